"""Shape-contrast guidance against round objects (models/README.md, twenty-fourth session).

Classifier-free guidance amplifies everything the caption changes (v_cond - v_uncond); at guidance 8
shapes read better but motion and size fall. Here the contrast is the caption against the same
caption with its shape word replaced by each other shape: v = cfg + w (v_cond - mean v_other). Colour,
size, motion and background are the same in both, so only what the shape word changes is amplified.
It costs two more denoiser runs a step where it is applied (three at steps that are also guided, whose
conditional velocity is inside the guided pair). Judged like the evaluation's
single-object groups, the same prompts and starting noise for every variant.

    cd models/training && PYTHONPATH=$PWD python3 experiments/shape_contrast.py --weights W [--n 48]

Variants: `cfg` (the elements' default: classifier-free guidance 4 in (0.5, 0.95]) and `contrast:W:LO-HI`
(the default plus shape contrast w at the steps whose noise level is in (LO, HI]).
"""
import random
import re
import time

import torch

from spacetime_train.evaluate import Generator, screen, single_object_groups
from spacetime_train.flow import sample, starting_noise
from spacetime_train.probe import probe_arguments, probe_model
from spacetime_train.train import WINDOW_LATENTS

SHAPES = ("circle", "square", "triangle")


def other_shape_captions(caption: str) -> list[str]:
    """The caption with its (single) shape word replaced by each other shape."""
    shape = next(s for s in SHAPES if re.search(rf"\b{s}\b", caption))
    return [re.sub(rf"\b{shape}\b", other, caption) for other in SHAPES if other != shape]


class ShapeContrast(Generator):
    def __init__(self, model, w: float, interval: tuple[float, float]):
        super().__init__(model)
        self.w, self.interval = w, interval

    def sample(self, prompts, seed, clean=None, clean_mask=None, t_lat=WINDOW_LATENTS, size=(64, 64)):
        noise, _, cfg = self.start(prompts, seed, t_lat, size)
        text, mask = self.m.encode_text(prompts)
        others = [self.m.encode_text(list(c)) for c in zip(*map(other_shape_captions, prompts))]
        if clean is None:
            clean, clean_mask = torch.zeros_like(noise), torch.zeros(len(prompts), t_lat)

        def fn(x, t, guided):
            if not self.interval[0] < float(t.max()) <= self.interval[1]:
                return cfg(x, t, guided)
            vc = self.m.dit(x, t, text, mask)     # unguided, cfg's velocity is this one
            vo = sum(self.m.dit(x, t, ot, om) for ot, om in others) / len(others)
            return (cfg(x, t, guided) if guided else vc) + self.w * (vc - vo)
        return sample(fn, starting_noise(noise, clean_mask, self.conditioned_noise_scale), clean, clean_mask,
                      self.steps, self.shift, self.sampler, self.guidance_interval)


def main():
    ap = probe_arguments(__doc__)
    ap.add_argument("--variants", default="cfg,contrast:2:0-1,contrast:4:0-1,contrast:4:0-0.6")
    args = ap.parse_args()
    model = probe_model(args)
    groups = single_object_groups(random.Random(args.seed), args.n)
    for variant in args.variants.split(","):
        mode, _, rest = variant.partition(":")
        if mode == "cfg":
            gen = Generator(model)
        else:
            w, _, interval = rest.partition(":")
            lo, _, hi = interval.partition("-")
            gen = ShapeContrast(model, float(w), (float(lo), float(hi)))
        t0 = time.time()
        print(f"{variant:18s} " + screen(gen, groups, args.seed) + f" ({(time.time() - t0) / 60:.1f} min)", flush=True)


if __name__ == "__main__":
    main()
