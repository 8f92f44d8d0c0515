"""Can this denoiser draw a shape at all? Train it on a few clips until it knows them (models/README.md,
twenty-fourth session).

Generated shapes stay near chance (a third of 3) through every run, and a denoiser given a square's
own latents noised to 0.35 brings back a square only about half as often as the autoencoder does
(`noise_level_probe.py`). Either the denoiser of this size over these latents and patches cannot
represent sharp outlines, or it has not trained enough on them. Here the shipped denoiser trains on
`--clips` fair single-object clips only (text to video, the run's loss: object weight 5, coherence 2,
noise levels shifted by 3; the text encoder frozen), and those same captions are sampled from new noise
as the elements sample and judged every `--every` minutes, next to as many captions it does not train
on. If the trained captions come out in their shapes, the design can draw them and what is missing is
training; if not, the representation is the limit.

    cd models/training && PYTHONPATH=$PWD python3 experiments/memorise_probe.py --weights W [--clips 64 --minutes 40]
"""
import copy
import random
import time

import torch

from spacetime_train.evaluate import FRAMES, Generator, judge_clips, judged_line, shape_readable_scenes
from spacetime_train.flow import logit_normal
from spacetime_train.probe import probe_arguments, probe_model
from spacetime_train.train import flow_matching_loss, native_bf16, object_map
from spacetime_train.world import render


def judged(model, scenes, seed) -> str:
    return judged_line(judge_clips(scenes, Generator(model).videos([s.caption() for s in scenes], seed)))


def main():
    ap = probe_arguments(__doc__, n=None)
    ap.add_argument("--clips", type=int, default=64)
    ap.add_argument("--minutes", type=float, default=40)
    ap.add_argument("--every", type=float, default=10)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    args = ap.parse_args()
    model = probe_model(args)
    rng = random.Random(args.seed)
    trained_scenes = shape_readable_scenes(rng, args.clips)
    other_scenes = shape_readable_scenes(rng, args.clips)
    frames = torch.stack([render([s], 64, 64, FRAMES)[0] for s in trained_scenes])
    x0_all = model.encode_video(frames)
    text_all, mask_all = model.encode_text([s.caption() for s in trained_scenes])

    dit = model.dit
    ema = copy.deepcopy(dit).eval()
    opt = torch.optim.AdamW(dit.parameters(), lr=args.lr, weight_decay=0.0, betas=(0.9, 0.99))
    gen = torch.Generator().manual_seed(args.seed)
    clean = torch.zeros(args.batch, x0_all.shape[2])      # text to video: no frame given
    bf16 = native_bf16(torch.device("cpu"))
    print(f"{args.clips} clips, batch {args.batch}, lr {args.lr:g}, bfloat16 {bf16}", flush=True)

    def report(step, minutes):
        model.dit = ema
        print(f"step {step:5d} ({minutes:5.1f} min)  trained captions {judged(model, trained_scenes, 1001)}"
              f"  | other captions {judged(model, other_scenes, 2002)}", flush=True)
        model.dit = dit

    print("trained clips' own latents decoded: " + judged_line(judge_clips(trained_scenes, model.decode_video(x0_all).numpy())), flush=True)
    report(0, 0.0)
    step, trained_s, next_report = 0, 0.0, args.every
    while trained_s < args.minutes * 60:
        t0 = time.time()
        dit.train()
        for _ in range(20):
            idx = torch.randint(0, args.clips, (args.batch,), generator=gen)
            x0, text, mask = x0_all[idx], text_all[idx], mask_all[idx]
            t = logit_normal((args.batch, 1), gen, shift=3.0).expand(args.batch, x0.shape[2])
            noise = torch.randn(x0.shape, generator=gen)
            tb = t[:, None, :, None, None]
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                v = dit((1 - tb) * x0 + tb * noise, t, text, mask)
            loss = flow_matching_loss(v.float() - (noise - x0), clean, 2.0, object_map(x0), 5.0)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(dit.parameters(), 1.0)
            opt.step()
            step += 1
            with torch.no_grad():
                for pe, pm in zip(ema.parameters(), dit.parameters()):
                    pe.lerp_(pm, 1 - min(0.995, (1 + step) / (10 + step)))
        dit.eval()
        trained_s += time.time() - t0
        if trained_s >= next_report * 60 or trained_s >= args.minutes * 60:
            print(f"  loss {loss.item():.4f}", flush=True)
            report(step, trained_s / 60)
            next_report += args.every


if __name__ == "__main__":
    main()
