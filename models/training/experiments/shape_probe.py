"""Where generated shapes are lost: the same single-object scenes made from the caption alone (text
to video) and as forward extensions (17 rendered frames given, 16 generated), the judge's shape read
on the frames each made, beside the encoder-decoder's reconstruction of the rendered clip. If the
extensions keep the given shape where text to video does not, the denoiser can draw shapes and
does not take them from the caption; if both lose them, it cannot draw them.

    cd models/training && PYTHONPATH=$PWD python3 experiments/shape_probe.py --weights W --n 96
"""
import random
from collections import Counter

import numpy as np
import torch

from spacetime_train.evaluate import FRAMES, GIVEN_LATENTS, Generator, shape_readable_scenes
from spacetime_train.judge import track
from spacetime_train.networks import TEMPORAL
from spacetime_train.probe import probe_arguments, probe_model
from spacetime_train.train import WINDOW_LATENTS
from spacetime_train.world import render


def shapes(scenes, videos, frames):
    return [track(v[frames], s).shape for s, v in zip(scenes, videos)]


def report(name, truth, judged):
    right = np.mean([t == j for t, j in zip(truth, judged)])
    confusion = Counter(zip(truth, judged))
    rows = ", ".join(f"{t}->{j} {c}" for (t, j), c in sorted(confusion.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))))
    print(f"{name:34s} shape {right:.2f}   {rows}", flush=True)


@torch.no_grad()
def main():
    ap = probe_arguments(__doc__, n=96)
    args = ap.parse_args()
    model = probe_model(args)
    gen = Generator(model)
    k = 1 + (GIVEN_LATENTS - 1) * TEMPORAL
    later = slice(k, FRAMES)

    scenes = shape_readable_scenes(random.Random(args.seed), args.n, later)
    truth = render(scenes, 64, 64, FRAMES)
    lat = model.encode_video(truth)
    asked = [s.objects[0].shape for s in scenes]
    report("rendered truth, frames 17-32", asked, shapes(scenes, truth.numpy(), later))
    report("reconstruction, frames 17-32", asked, shapes(scenes, model.decode_video(lat).numpy(), later))
    captions = [s.caption() for s in scenes]
    report("text to video, frames 17-32", asked, shapes(scenes, gen.videos(captions, args.seed + 1000), later))
    mask = torch.zeros(len(scenes), WINDOW_LATENTS)
    mask[:, :GIVEN_LATENTS] = 1
    extended = gen.videos(captions, args.seed + 1000, lat * mask[:, None, :, None, None], mask)
    report("extension, generated frames 17-32", asked, shapes(scenes, extended, later))
    # The caption names another shape than the given frames show: which one does the model follow?
    other = {"circle": "square", "square": "triangle", "triangle": "circle"}
    swapped = [c.replace(f" {s.objects[0].shape}", f" {other[s.objects[0].shape]}", 1) for c, s in zip(captions, scenes)]
    extended = gen.videos(swapped, args.seed + 1000, lat * mask[:, None, :, None, None], mask)
    report("extension, caption's shape swapped", asked, shapes(scenes, extended, later))


if __name__ == "__main__":
    main()
