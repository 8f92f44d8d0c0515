"""Stochastic sampling against blob-shaped objects (models/README.md, twentieth session).

A deterministic sampler with few steps lands on the average of what the denoiser thinks likely,
and small objects come out as round blobs. An ancestral sampler instead re-draws part of the noise
at every step: from the data estimate x0 = x - t v and the noise estimate e = x + (1 - t) v, the
next state is (1 - s) x0 + s (sqrt(1 - rho^2) e + rho z) with fresh noise z (rho = 0 is Euler,
rho = 1 re-noises the data estimate fully). Judged like the evaluation's single-object groups, the
same prompts and starting noise for every variant.

    cd models/training && PYTHONPATH=$PWD python3 experiments/stochastic_sampler.py --weights W [--n 48]
"""
import math
import random
import time

import torch

from spacetime_train.evaluate import Generator, screen, single_object_groups
from spacetime_train.flow import shifted_sigmas
from spacetime_train.probe import probe_arguments, probe_model


@torch.no_grad()
def ancestral_sample(velocity_fn, noise, steps, shift, rho, guidance_interval, generator):
    sig = shifted_sigmas(steps, shift).tolist()
    x = noise
    for i in range(steps):
        s0, s1 = sig[i], sig[i + 1]
        v = velocity_fn(x, torch.full(x.shape[:1] + x.shape[2:3], s0), guidance_interval[0] < s0 <= guidance_interval[1])
        x0, eps = x - s0 * v, x + (1 - s0) * v
        if s1 == 0:
            return x0
        z = torch.randn(x.shape, generator=generator)
        x = (1 - s1) * x0 + s1 * (math.sqrt(1 - rho * rho) * eps + rho * z)
    return x


class AncestralGenerator(Generator):
    def __init__(self, model, steps, rho):
        super().__init__(model, steps=steps)
        self.rho = rho

    def sample(self, prompts, seed, clean=None, clean_mask=None, t_lat=9, size=(64, 64)):
        noise, g, fn = self.start(prompts, seed, t_lat, size)
        return ancestral_sample(fn, noise, self.steps, self.shift, self.rho, self.guidance_interval, g)


def main():
    ap = probe_arguments(__doc__)
    ap.add_argument("--variants", default="dpm:10,anc0.5:10,anc1:10,anc0.5:20,anc1:20")
    args = ap.parse_args()
    model = probe_model(args)
    rng = random.Random(args.seed)
    groups = single_object_groups(rng, args.n)
    for variant in args.variants.split(","):
        name, steps = variant.split(":")
        gen = Generator(model, steps=int(steps)) if name == "dpm" else AncestralGenerator(model, int(steps), float(name[3:]))
        t0 = time.time()
        print(f"{variant:10s} " + screen(gen, groups, args.seed) + f" ({(time.time() - t0) / 60:.1f} min)", flush=True)


if __name__ == "__main__":
    main()
