"""Autoguidance against blob-shaped objects (models/README.md, twenty-second session).

Karras et al., "Guiding a Diffusion Model with a Bad Version of Itself" (2024): where classifier-free
guidance pushes away from the unconditional model, autoguidance pushes away from a weaker model of
the same task, v = v_weak + w (v_strong - v_weak), both conditioned on the caption. What the weaker
model gets wrong and the stronger one less so (here: soft, round objects) is what the guidance
amplifies, and it costs one more denoiser run a step, as classifier-free guidance does. The weaker
model is an earlier denoiser of the same run (the same latent space), e.g. 2.0.0's (step 26 659),
recovered from its package. Judged like the evaluation's single-object groups, the same prompts and
starting noise for every variant.

    cd models/training && PYTHONPATH=$PWD python3 experiments/autoguidance.py --weights W --weak W0 [--n 48]

Variants: `cfg` (the elements' default: classifier-free guidance 4 in (0.5, 0.95]), `auto:W` (autoguidance
w at every step instead), `both:W` (the default, plus w - 1 times (v_strong - v_weak) at every step).
"""
import random
import time

import torch

from spacetime_train.evaluate import Generator, screen, single_object_groups
from spacetime_train.flow import sample, starting_noise
from spacetime_train.package import Model
from spacetime_train.probe import probe_arguments, probe_model
from spacetime_train.train import WINDOW_LATENTS


class AutoGuided(Generator):
    def __init__(self, model, weak: Model, mode: str, w: float):
        super().__init__(model)
        self.weak, self.mode, self.w = weak, mode, w

    def sample(self, prompts, seed, clean=None, clean_mask=None, t_lat=WINDOW_LATENTS, size=(64, 64)):
        noise, _, cfg = self.start(prompts, seed, t_lat, size)
        text, mask = self.m.encode_text(prompts)
        weak_text, weak_mask = self.weak.encode_text(prompts)
        if clean is None:
            clean, clean_mask = torch.zeros_like(noise), torch.zeros(len(prompts), t_lat)

        def fn(x, t, guided):
            strong, weak = self.m.dit(x, t, text, mask), self.weak.dit(x, t, weak_text, weak_mask)
            if self.mode == "auto":
                return weak + self.w * (strong - weak)
            return cfg(x, t, guided) + (self.w - 1) * (strong - weak)
        return sample(fn, starting_noise(noise, clean_mask, self.conditioned_noise_scale), clean, clean_mask,
                      self.steps, self.shift, self.sampler, self.guidance_interval)


def main():
    ap = probe_arguments(__doc__)
    ap.add_argument("--weak", required=True, help="weights of the weaker denoiser (the same autoencoder)")
    ap.add_argument("--variants", default="cfg,auto:2,auto:3,both:2")
    args = ap.parse_args()
    model, weak = probe_model(args), Model(args.weak)
    rng = random.Random(args.seed)
    groups = single_object_groups(rng, args.n)
    for variant in args.variants.split(","):
        mode, _, w = variant.partition(":")
        gen = Generator(model) if mode == "cfg" else AutoGuided(model, weak, mode, float(w))
        t0 = time.time()
        print(f"{variant:8s} " + screen(gen, groups, args.seed) + f" ({(time.time() - t0) / 60:.1f} min)", flush=True)


if __name__ == "__main__":
    main()
