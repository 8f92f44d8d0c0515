"""Frame guidance for extension, tried in the nineteenth session and not adopted (models/README.md):
in a window with given frames, at the steps whose noise level is in (FROM, TO], the velocity gains
w (v_c - v_free), v_c the conditional velocity and v_free the conditional velocity of the same state
with the given latent frames noised to the step's level by the window's own noise (as if nothing
were given): guidance by the given frames, as classifier-free guidance is by the text. Continuity
forward and backward as evaluate measures it, for each weight, on the same clips and noise.

    cd models/training && PYTHONPATH=$PWD python3 experiments/frame_guidance.py --weights W --n 96 --w 0,2 --seed 9
"""
import random
import time

import torch

from spacetime_train.evaluate import Generator, continuity, fair_continuity_scenes, interval
from spacetime_train.flow import sample, starting_noise
from spacetime_train.probe import probe_arguments, probe_model
from spacetime_train.train import WINDOW_LATENTS


class FrameGuided(Generator):
    def __init__(self, model, w, between):
        super().__init__(model)
        self.w, self.between = w, between

    def sample(self, prompts, seed, clean=None, clean_mask=None, t_lat=WINDOW_LATENTS, size=(64, 64)):
        noise, _, velocity = self.start(prompts, seed, t_lat, size)
        text, mask = self.m.encode_text(prompts)
        given = clean_mask.to(noise.dtype)[:, None, :, None, None]

        def fn(x, t, guided):
            v = velocity(x, t, guided)
            s = float(t.max())
            if self.w == 0 or not self.between[0] < s <= self.between[1]:
                return v
            conditional = self.m.dit(x, t, text, mask) if guided else v
            free = x * (1 - given) + ((1 - s) * clean + s * noise) * given
            return v + self.w * (conditional - self.m.dit(free, torch.full_like(t, s), text, mask))
        return sample(fn, starting_noise(noise, clean_mask, self.conditioned_noise_scale), clean, clean_mask,
                      self.steps, self.shift, self.sampler, self.guidance_interval)


def main():
    ap = probe_arguments(__doc__, n_help="clips per direction")
    ap.add_argument("--w", default="0,2", help="frame guidance weights, comma-separated")
    ap.add_argument("--interval", type=interval, default=(0.9, 1.0), help="FROM,TO: noise levels guided by the frames")
    args = ap.parse_args()
    model = probe_model(args)
    rng = random.Random(args.seed)
    scenes = {d: fair_continuity_scenes(rng, args.n, d) for d in ("forward", "backward")}
    for w in [float(x) for x in args.w.split(",")]:
        t0 = time.time()
        gen = FrameGuided(model, w, args.interval)
        r = {d: continuity(gen, scenes[d], args.seed + 30000, d)[0] for d in scenes}
        print(f"frame guidance {w:g} in {args.interval}: forward {r['forward']:.2f} backward {r['backward']:.2f} "
              f"({len(scenes['forward'])} clips each, {time.time() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
