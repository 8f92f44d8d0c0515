"""Generates clips for World prompts with a trained run and scores them against their captions.

    python3 -m spacetime_train.evaluate --weights runs/default/weights.pt --out eval/

Prints a Markdown table (in-distribution and held-out compositions reported separately; extension
continuity; drift over a long clip), and writes a contact sheet PNG and an animated GIF preview.
"""
from __future__ import annotations

import argparse
import os
import random

import numpy as np
import torch
from PIL import Image

from . import networks as N
from .flow import euler_sample
from .judge import motion_of, track, velocity
from .package import DEFAULT_GUIDANCE, DEFAULT_STEPS, SHIFT, Model
from .train import WINDOW_LATENTS
from .world import MOTIONS, Scene, WorldObject, is_held_out, render, sample_scene, _place

FRAMES = 1 + (WINDOW_LATENTS - 1) * N.TEMPORAL


class Generator:
    def __init__(self, model: Model, steps=DEFAULT_STEPS, guidance=DEFAULT_GUIDANCE, shift=SHIFT):
        self.m, self.steps, self.guidance, self.shift = model, steps, guidance, shift
        self.utext, self.umask = model.encode_text([""])

    def sample(self, prompts, seed, clean=None, clean_mask=None, t_lat=WINDOW_LATENTS, size=(64, 64)):
        b = len(prompts)
        g = torch.Generator().manual_seed(seed)
        noise = torch.randn(b, 16, t_lat, size[0] // 8, size[1] // 8, generator=g)
        text, mask = self.m.encode_text(prompts)
        ut, um = self.utext.expand(b, -1, -1), self.umask.expand(b, -1)
        fn = lambda x, t: self.m.velocity(x, t, text, mask, ut, um, self.guidance)
        if clean is None:
            clean, clean_mask = torch.zeros_like(noise), torch.zeros(b, t_lat)
        return euler_sample(fn, noise, clean, clean_mask, self.steps, self.shift)


def single_object_prompts(rng, n, held_out):
    """Single-object scenes without snow, so every judged pixel belongs to the object."""
    scenes = []
    while len(scenes) < n:
        s = sample_scene(rng, held_out=held_out)
        if len(s.objects) == 1 and not s.snow and not s.has_pillar:
            scenes.append(s)
    return scenes


def score_generation(gen, scenes, seed):
    lat = gen.sample([s.caption() for s in scenes], seed)
    videos = gen.m.decode_video(lat).numpy()
    res = {"colour": [], "shape": [], "size": [], "motion": []}
    for s, v in zip(scenes, videos):
        o, tr = s.objects[0], track(v, s)
        res["colour"].append(tr.color == o.color)
        if tr.shape is not None:
            res["shape"].append(tr.shape == o.shape)
            res["size"].append(tr.size == o.size)
        res["motion"].append(motion_of(tr, v.shape[1]) == o.motion)
    return {k: float(np.mean(x)) if x else float("nan") for k, x in res.items()}, videos


def continuity(gen, rng, n, seed, given_frames=17):
    """Extend rendered clips forward: same colour, and velocity continuous across the boundary."""
    scenes = []
    while len(scenes) < n:
        s = sample_scene(rng, held_out="exclude", clip_seconds=8)
        if len(s.objects) == 1 and not s.snow and not s.has_pillar and s.objects[0].motion not in ("stays still",):
            scenes.append(s)
    frames = render(scenes, 64, 64, given_frames)
    ctx = gen.m.encode_video(frames)                          # (B, C, k, 8, 8)
    k = ctx.shape[2]
    clean = torch.zeros(n, 16, WINDOW_LATENTS, 8, 8)
    clean[:, :, :k] = ctx
    mask = torch.zeros(n, WINDOW_LATENTS)
    mask[:, :k] = 1
    lat = gen.sample([s.caption() for s in scenes], seed, clean, mask)
    out = gen.m.decode_video(lat).numpy()
    ok = []
    for s, v, real in zip(scenes, out, frames.numpy()):
        tr = track(v, s)
        tr_new = track(v[given_frames:], s)
        v_in = velocity(track(real, s), slice(given_frames - 6, given_frames))
        v_out = velocity(tr, slice(given_frames, given_frames + 6))
        same_colour = tr_new.color == s.objects[0].color
        if v_in is None or v_out is None:      # object left the frame: colour and absence decide
            ok.append(same_colour or tr_new.color is None)
            continue
        ok.append(same_colour and np.linalg.norm(v_out - v_in) <= 0.5 * max(np.linalg.norm(v_in), 0.5))
    return float(np.mean(ok)), out


def drift(gen, seed, seconds=60, overlap_latents=2):
    """A long clip made window by window (clean-latent overlap); colour and size early vs late."""
    s = Scene(objects=[WorldObject("red", "circle", "medium", "bounces")], background="gray")
    lat = gen.sample([s.caption()], seed)
    chunks = [lat]
    total = lat.shape[2]
    i = 1
    while (1 + (total - 1) * 4) / 8 < seconds:
        clean = torch.zeros_like(lat)
        clean[:, :, :overlap_latents] = lat[:, :, -overlap_latents:]
        mask = torch.zeros(1, WINDOW_LATENTS)
        mask[:, :overlap_latents] = 1
        lat = gen.sample([s.caption()], seed + i, clean, mask)
        chunks.append(lat[:, :, overlap_latents:])
        total += WINDOW_LATENTS - overlap_latents
        i += 1
    video = gen.m.decode_video(torch.cat(chunks, dim=2))[0].numpy()
    first, last = track(video[:32], s), track(video[-32:], s)
    kept = first.color == last.color == "red" and first.size == last.size
    area_ratio = float(np.median(last.areas[last.areas > 0]) / max(1, np.median(first.areas[first.areas > 0])))
    return {"long_clip_seconds": len(video) / 8, "colour_kept": first.color == last.color == "red",
            "size_kept": first.size == last.size, "area_ratio_end_vs_start": area_ratio, "ok": kept}, video


def contact_sheet(videos, captions, path, every=4):
    rows = [np.concatenate([v[f] for f in range(0, v.shape[0], every)], axis=1) for v in videos]
    img = Image.fromarray(np.concatenate(rows, axis=0))
    img.resize((img.width * 2, img.height * 2), Image.NEAREST).save(path)


def gif(videos, path, fps=8):
    frames = [Image.fromarray(np.concatenate([v[f] for v in videos], axis=1)).resize(
        (64 * len(videos) * 2, 128), Image.NEAREST) for f in range(videos[0].shape[0])]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=int(1000 / fps), loop=0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=48, help="prompts per group")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    ap.add_argument("--guidance", type=float, default=DEFAULT_GUIDANCE)
    ap.add_argument("--shift", type=float, default=SHIFT)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    gen = Generator(Model(args.weights), args.steps, args.guidance, args.shift)
    rng = random.Random(args.seed)

    ind_scenes = single_object_prompts(rng, args.n, "exclude")
    held_scenes = single_object_prompts(rng, args.n, "only")
    ind, ind_videos = score_generation(gen, ind_scenes, args.seed)
    held, held_videos = score_generation(gen, held_scenes, args.seed + 1)
    cont, _ = continuity(gen, rng, args.n // 2, args.seed + 2)
    dr, long_video = drift(gen, args.seed + 3)

    table = ["| group | n | colour | shape | size | motion |", "| --- | --- | --- | --- | --- | --- |"]
    for name, r, n in (("in-distribution", ind, len(ind_scenes)), ("held-out compositions", held, len(held_scenes))):
        table.append(f"| {name} | {n} | {r['colour']:.2f} | {r['shape']:.2f} | {r['size']:.2f} | {r['motion']:.2f} |")
    table += ["", f"extension continuity (forward, {args.n // 2} rendered clips): {cont:.2f}",
              f"long clip ({dr['long_clip_seconds']:.0f} s, windows with 2-latent overlap): colour kept {dr['colour_kept']}, "
              f"size kept {dr['size_kept']}, object area end/start {dr['area_ratio_end_vs_start']:.2f}",
              f"settings: steps {args.steps}, guidance {args.guidance}, shift {args.shift}, Euler, seed {args.seed}"]
    report = "\n".join(table)
    print(report)
    with open(os.path.join(args.out, "evaluation.md"), "w") as f:
        f.write(report + "\n")
    pick = ind_videos[:6]
    contact_sheet(pick, None, os.path.join(args.out, "contact-sheet.png"))
    gif(list(pick), os.path.join(args.out, "preview.gif"))
    with open(os.path.join(args.out, "contact-sheet.txt"), "w") as f:
        f.write("\n".join(s.caption() for s in ind_scenes[:6]) + "\n")


if __name__ == "__main__":
    main()
