"""Training batches rendered on the fly from World v1 (held-out compositions excluded by construction)."""
from __future__ import annotations

import random

import torch

from .world import NATIVE_FPS, render, sample_scene

# (height, width) and how often each is drawn: native square, wide and tall.
TRAIN_SIZES = [((64, 64), 0.6), ((64, 96), 0.2), ((96, 64), 0.2)]


def pick_size(rng: random.Random) -> tuple[int, int]:
    r, acc = rng.random(), 0.0
    for size, p in TRAIN_SIZES:
        acc += p
        if r < acc:
            return size
    return TRAIN_SIZES[0][0]


def clip_batch(rng: random.Random, batch: int, frames: int, size: tuple[int, int], device,
               window_seconds: float) -> tuple[torch.Tensor, list[str]]:
    """(B, 3, frames, H, W) floats in [-1, 1] and their captions."""
    h, w = size
    scenes = [sample_scene(rng, aspect=w / h, clip_seconds=window_seconds, held_out="exclude") for _ in range(batch)]
    video = render(scenes, h, w, frames, NATIVE_FPS, device=device)             # (B, F, H, W, 3) uint8
    video = video.permute(0, 4, 1, 2, 3).float() / 127.5 - 1.0
    return video, [s.caption() for s in scenes]
