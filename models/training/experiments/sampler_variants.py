"""Sampler variants against the jump of generated objects across latent groups (models/README.md,
tenth session). Plain Euler, then per-frame staggered schedules (earlier latent frames denoised
ahead, so later ones are placed next to nearly clean neighbours), then a re-noising pass (every
other latent frame noised again to t0 and denoised with its neighbours held clean, then the other
half), then other guidance scales; the evaluation's judge and group steps on the same prompts.

    cd models/training && PYTHONPATH=$PWD python3 experiments/sampler_variants.py --weights W [--n 48]
"""
import argparse
import random
import time

import numpy as np
import torch

from spacetime_train.evaluate import Generator, single_object_scenes, judge_clips, group_steps
from spacetime_train.flow import euler_sample, shift_noise
from spacetime_train.package import Model
from spacetime_train.train import WINDOW_LATENTS as T


def staggered_sigmas(steps, shift, span):
    """(steps + 1, T) noise levels: latent frame k starts span * k / (T - 1) of the schedule later."""
    u = torch.linspace(0, 1, steps + 1)[:, None] * (1 + span)
    lag = span * torch.arange(T)[None, :] / (T - 1)
    return shift_noise(1 - (u - lag).clamp(0, 1), shift)


@torch.no_grad()
def sample(gen, prompts, seed, steps, span=0.0, renoise=None):
    b = len(prompts)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(b, gen.channels, T, 8, 8, generator=g)
    text, mask = gen.m.encode_text(prompts)
    ut, um = gen.utext.expand(b, -1, -1), gen.umask.expand(b, -1)
    fn = lambda y, t: gen.m.velocity(y, t, text, mask, ut, um, gen.guidance)
    if span == 0:
        x = euler_sample(fn, x, torch.zeros_like(x), torch.zeros(b, T), steps, gen.shift)
    else:
        sig = staggered_sigmas(steps, gen.shift, span)
        for i in range(steps):
            x = x + (sig[i + 1] - sig[i])[None, None, :, None, None] * fn(x, sig[i][None, :].expand(b, T).contiguous())
    if renoise is not None:
        t0, steps2 = renoise
        sig = torch.linspace(t0, 0, steps2 + 1)
        for parity in (1, 0):
            redo = (torch.arange(T) % 2 == parity).float()[None, :].expand(b, T)
            m = redo[:, None, :, None, None]
            x = x * (1 - m) + ((1 - t0) * x + t0 * torch.randn(x.shape, generator=g)) * m
            for i in range(steps2):
                x = x + (sig[i + 1] - sig[i]).item() * fn(x, sig[i].item() * redo) * m
    return x


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--n", type=int, default=48)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = Model(args.weights)
    scenes = single_object_scenes(random.Random(7), args.n, "exclude")
    prompts = [s.caption() for s in scenes]
    variants = [("Euler, 10 steps", 4.0, dict(steps=10)),
                ("staggered over 0.5 of the schedule, 10 steps", 4.0, dict(steps=10, span=0.5)),
                ("staggered over 1.0, 10 steps", 4.0, dict(steps=10, span=1.0)),
                ("staggered over 1.0, 20 steps", 4.0, dict(steps=20, span=1.0)),
                ("Euler 10, then every other latent re-noised to 0.6 (6 steps)", 4.0, dict(steps=10, renoise=(0.6, 6))),
                ("Euler 10, guidance 1", 1.0, dict(steps=10)),
                ("Euler 10, guidance 2", 2.0, dict(steps=10)),
                ("Euler 10, guidance 7", 7.0, dict(steps=10))]
    print("| sampler | colour | shape | size | motion | smooth | centre step inside / across groups |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, guidance, kw in variants:
        gen, t0 = Generator(model, guidance=guidance), time.time()
        v = np.concatenate([model.decode_video(sample(gen, prompts[i:i + 24], 7 + i, **kw)).numpy()
                            for i in range(0, args.n, 24)])
        j, gs = judge_clips(scenes, v), group_steps(v, scenes)
        print(f"| {name} | " + " | ".join(f"{j[k]:.2f}" for k in ("colour", "shape", "size", "motion", "smooth"))
              + f" | {gs['inside_group']:.2f} / {gs['across_groups']:.2f} px |", flush=True)


if __name__ == "__main__":
    main()
