"""Training data for the denoiser: World clips rendered and encoded once by the frozen autoencoder.

Re-rendering and re-encoding every clip at every step was about two thirds of the denoiser's
compute on a CPU. Here a producer renders 49-frame clips (13 latent frames: a window of 9 can start
at any of 5 offsets), encodes them and writes them as shards; the trainer samples from every shard
written so far, and picks up new ones as they appear. The producer runs beside the trainer on a
core of its own (`python3 -m spacetime_train.latents --run runs/v2`), or inline (`fill`).

A shard is a torch file {"size": (h, w), "latents": (N, C, 13, h/8, w/8) float16 (unscaled encoder
means), "captions": [str]}.
"""
from __future__ import annotations

import argparse
import glob
import os
import random
import time

import torch

from . import networks as N
from .data import TRAIN_SIZES, clip_batch, pick_size
from .world import PILLAR_WORDS

SOURCE_LATENTS = 13
SOURCE_FRAMES = 1 + (SOURCE_LATENTS - 1) * N.TEMPORAL
SHARD_CLIPS = 64


def shard_dir(run: str) -> str:
    return os.path.join(run, "latents")


@torch.no_grad()
def encode_shard(enc, rng: random.Random, size, clips: int = SHARD_CLIPS, device="cpu") -> dict:
    """Renders `clips` scenes at `size` (h, w) and encodes them (the encoder in eval mode)."""
    out, captions = [], []
    for start in range(0, clips, 16):
        video, caps = clip_batch(rng, min(16, clips - start), SOURCE_FRAMES, size, device, SOURCE_FRAMES / 8)
        out.append(enc(video)[0].to(torch.float16).cpu())
        captions += caps
    return {"size": tuple(size), "latents": torch.cat(out), "captions": captions}


def write_shard(run: str, shard: dict, index: int) -> str:
    os.makedirs(shard_dir(run), exist_ok=True)
    path = os.path.join(shard_dir(run), f"shard-{index:06d}.pt")
    tmp = f"{path}.{os.getpid()}.tmp"
    torch.save(shard, tmp)
    os.replace(tmp, path)          # the trainer never sees a half-written shard
    return path


def ensure_shard(run: str, enc, seed: int, index: int, device="cpu", clips: int = SHARD_CLIPS) -> None:
    """Writes shard `index` unless it is there (its clips are fixed by seed and index)."""
    if not os.path.exists(os.path.join(shard_dir(run), f"shard-{index:06d}.pt")):
        rng = random.Random(seed * 104729 + index)
        write_shard(run, encode_shard(enc, rng, pick_size(rng), clips, device=device), index)


def fill(run: str, enc, seed: int, shards: int, device="cpu", clips: int = SHARD_CLIPS) -> None:
    """Writes shards 0 .. shards - 1 that are not there yet."""
    for i in range(shards):
        ensure_shard(run, enc, seed, i, device, clips)


class LatentCache:
    """Every shard written so far, grouped by frame size; batches are drawn from one size."""

    def __init__(self, run: str, device="cpu"):
        self.run = run
        self.device = torch.device(device)   # on a GPU the whole cache sits in its memory: batches never cross the bus
        self.loaded: set[str] = set()
        self.by_size: dict[tuple, list] = {}
        self.pillars: dict[tuple, list[int]] = {}     # per size, the indices of the clips with a pillar
        self.clips = 0

    def refresh(self) -> int:
        """Loads shards written since the last call; returns how many clips the cache holds."""
        for path in sorted(glob.glob(os.path.join(shard_dir(self.run), "shard-*.pt"))):
            if path in self.loaded:
                continue
            shard = torch.load(path, map_location=self.device, weights_only=False)
            lat, caps = self.by_size.setdefault(tuple(shard["size"]), [[], []])
            lat.append(shard["latents"])
            self.pillars.setdefault(tuple(shard["size"]), []).extend(
                len(caps) + i for i, c in enumerate(shard["captions"]) if PILLAR_WORDS in c)
            caps.extend(shard["captions"])
            self.loaded.add(path)
            self.clips += len(shard["captions"])
        for size, entry in self.by_size.items():
            if len(entry[0]) > 1:
                entry[0] = [torch.cat(entry[0])]
        return self.clips

    def sample_codes(self, n: int) -> torch.Tensor:
        """Up to n clips' latents (float32, unscaled) of the frame size the cache holds most of."""
        lat = max(self.by_size.values(), key=lambda entry: len(entry[1]))[0][0]
        return lat[:n].float()

    def batch(self, rng: random.Random, b: int, pillar_share: float = 0.0):
        """(latents (b, C, 13, h, w) float32 unscaled, captions) of one frame size, drawn by TRAIN_SIZES
        among the sizes present. Each clip is a pillar clip with probability `pillar_share` (where the
        size has any; about 8 % of World clips are), else any clip."""
        weights = dict((tuple(s), p) for s, p in TRAIN_SIZES)
        sizes = list(self.by_size)
        size = rng.choices(sizes, weights=[weights.get(s, 0.1) for s in sizes])[0]
        lat, caps = self.by_size[size]
        pillars = self.pillars.get(size) if pillar_share > 0 else None
        idx = [rng.choice(pillars) if pillars and rng.random() < pillar_share else rng.randrange(len(caps))
               for _ in range(b)]
        return lat[0][idx].float(), [caps[i] for i in idx]


def main(argv=None):
    from .train import load_autoencoder   # late: train imports this module
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="run directory whose checkpoint holds the trained autoencoder")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--shards", type=int, default=400, help="stop after this many shards (64 clips each)")
    ap.add_argument("--clips", type=int, default=SHARD_CLIPS, help="clips per shard")
    ap.add_argument("--first", type=int, default=0, help="first shard index to write (the trainer writes the ones before)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="where clips are rendered and encoded (cuda: about as fast as a trainer takes them)")
    ap.add_argument("--until", help="stop when this file exists (the trainer writes it when it ends)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    enc = load_autoencoder(args.run)[0].to(args.device)
    t0 = time.time()
    for i in range(args.first, args.shards):
        if args.until and os.path.exists(args.until):
            break
        ensure_shard(args.run, enc, args.seed, i, device=args.device, clips=args.clips)
        if i % 10 == 9:
            print(f"latents: shard {i + 1}, {(time.time() - t0) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
