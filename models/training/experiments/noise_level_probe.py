"""Which noise levels lose generated shapes: the rendered clip's own latents noised to a level s and
sampled from there (SDEdit) with the elements' sampler, and the denoiser's one-step estimate of the
clean latents at s, both decoded and judged. Shape kept from s = 0.3 but lost from s = 0.8 says the
shape is decided (and lost) at high noise; lost already from s = 0.3 says the low-noise steps lack
the precision to draw it.

    cd models/training && PYTHONPATH=$PWD python3 experiments/noise_level_probe.py --weights W --n 96
"""
import random

import torch

from spacetime_train.evaluate import FRAMES, Generator, judge_clips, judged_line, shape_readable_scenes
from spacetime_train.flow import sample
from spacetime_train.probe import probe_arguments, probe_model
from spacetime_train.world import render


@torch.no_grad()
def main():
    ap = probe_arguments(__doc__, n=96)
    ap.add_argument("--levels", default="0.2,0.35,0.5,0.65,0.8,0.9")
    args = ap.parse_args()
    model = probe_model(args)
    gen = Generator(model)

    scenes = shape_readable_scenes(random.Random(args.seed), args.n)
    captions = [s.caption() for s in scenes]
    truth = render(scenes, 64, 64, FRAMES)
    lat = model.encode_video(truth)

    def line(name, videos):
        r = judge_clips(scenes, videos)
        print(f"{name:32s} " + judged_line(r), flush=True)

    print(f"{len(scenes)} in-distribution single-object scenes, seed {args.seed}; colour / shape / size / motion / smooth")
    line("reconstruction", model.decode_video(lat).numpy())
    for level in [float(x) for x in args.levels.split(",")]:
        sampled, estimated = [], []
        for i in range(0, len(scenes), 24):
            noise, _, fn = gen.start(captions[i:i + 24], args.seed + 1000 + i)
            x0 = lat[i:i + 24]
            xs = (1 - level) * x0 + level * noise
            none = torch.zeros(len(x0), x0.shape[2])
            out = sample(fn, xs, torch.zeros_like(x0), none, gen.steps, gen.shift, gen.sampler, gen.guidance_interval, start=level)
            sampled.append(model.decode_video(out))
            v = fn(xs, torch.full((len(x0), x0.shape[2]), level), gen.guidance_interval[0] < level <= gen.guidance_interval[1])
            estimated.append(model.decode_video(xs - level * v))
        line(f"sampled from noise {level}", torch.cat(sampled).numpy())
        line(f"one-step estimate at {level}", torch.cat(estimated).numpy())


if __name__ == "__main__":
    main()
