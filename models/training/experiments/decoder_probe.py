"""Decoders compared on the clips users get (models/README.md, twenty-first session).

A decoder's PSNR on encoded renders says how it reads the encoder's codes; what users see is how it
reads the latents the denoiser makes. Here the denoiser of --base samples the evaluation's two
single-object groups once (its seed-7 prompts and starting noise, the elements' sampler), and every
decoder decodes those same latents, judged like the evaluation: a paired comparison in which only
the decoder differs. The latents are kept in --latents, so further decoders cost a decode each.

    cd models/training && PYTHONPATH=$PWD python3 experiments/decoder_probe.py \\
        --base runs/recovered/weights.pt --latents runs/probe-latents.pt runs/A/weights.pt runs/B/weights.pt
"""
import argparse
import os
import random

import numpy as np
import torch

from spacetime_train.evaluate import FRAMES, JUDGED, Generator, judge_clips, judged_line, single_object_groups
from spacetime_train.package import Model
from spacetime_train.world import render

BATCH = 24


@torch.no_grad()
def sample_groups(base: str, n: int, seed: int) -> dict:
    """The evaluation's in-distribution and held-out groups (scenes and latents), sampled as it does."""
    gen = Generator(Model(base))
    rng = random.Random(seed)
    out = {}
    for k, (name, scenes) in enumerate(single_object_groups(rng, n).items()):
        prompts, s = [x.caption() for x in scenes], seed + 10000 * k
        latents = torch.cat([gen.sample(prompts[i:i + BATCH], s + i) for i in range(0, n, BATCH)])
        out[name] = {"scenes": scenes, "latents": latents}
    return out


@torch.no_grad()
def judge_decoder(weights: str, groups: dict) -> dict:
    """The judge's figures of the generated latents decoded, and of the in-distribution group's
    renders encoded and decoded ("reconstructed": how much of each figure the autoencoder keeps)."""
    model = Model(weights)
    row = {}
    for name, g in groups.items():
        lat = g["latents"]
        videos = np.concatenate([model.decode_video(lat[i:i + BATCH]).numpy() for i in range(0, len(lat), BATCH)])
        row[name] = judge_clips(g["scenes"], videos)
    scenes = groups["in distribution"]["scenes"]
    truth = render(scenes, 64, 64, FRAMES)
    videos = np.concatenate([model.decode_video(model.encode_video(truth[i:i + BATCH])).numpy()
                             for i in range(0, len(scenes), BATCH)])
    row["reconstructed"] = judge_clips(scenes, videos)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="weights whose denoiser samples (and whose decoder is the reference)")
    ap.add_argument("--latents", required=True, help="file keeping the sampled groups (made when missing)")
    ap.add_argument("--n", type=int, default=96, help="prompts a group")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("decoders", nargs="*", help="weights whose decoders decode the same latents")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if not os.path.exists(args.latents):
        torch.save(sample_groups(args.base, args.n, args.seed), args.latents)
    groups = torch.load(args.latents, weights_only=False)
    names = list(groups) + ["reconstructed"]
    print("decoder | " + " | ".join(f"{g}: {' / '.join(JUDGED)}" for g in names))
    for weights in [args.base] + args.decoders:
        row = judge_decoder(weights, groups)
        print(weights + " | " + " | ".join(judged_line(row[g]) for g in names), flush=True)


if __name__ == "__main__":
    main()
