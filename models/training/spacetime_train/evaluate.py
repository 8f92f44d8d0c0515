"""Evaluates a trained run against World v1 (WORLD.md, "What a generated clip is judged on").

    python3 -m spacetime_train.evaluate --weights runs/v2/weights.pt --out eval/ --n 96

Every figure is judged from pixels (judge.py) and every check is fair: it is also run on the
rendered truth of the same scenes, which must score 1.00 (scenes where the truth cannot be judged
are not drawn). Reported:
- autoencoder: PSNR of encode + decode on held-out renders at 64x64, 96x64 and 64x96, the object
  centre's step per frame inside a latent group and across group boundaries (truth vs
  reconstruction), and the judge's colour / shape / size / motion on the reconstructions;
- generation (in distribution and held-out compositions, --n prompts each): colour, shape, size,
  motion, and smooth motion (share of frame steps at 0.4-2x the world speed), and the centre's
  step inside latent groups and across their boundaries (where motion breaks, if it does);
- occlusion: an object passing behind the pillar comes out whole, same colour and area;
- extension continuity, forward and backward: the generated frames continue the rendered clip
  (colour; velocity within 50 % and position within 0.1 H of the rendered continuation);
- drift over 60 s clips made window by window (four bouncing objects).
Writes evaluation.md, evaluation.json, a contact sheet, an animated preview and tracks.txt (the
object's centre frame by frame, generated and rendered, for 12 clips). --quick runs a small version
(the regression test uses it).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
from PIL import Image

from . import networks as N
from .flow import SAMPLERS, sample, starting_noise
from .judge import PILLAR_KEPT, PILLAR_OUTCOMES, inside, motion_of, nearest_color, pillar_outcome, smooth_steps, \
    through_pillar, track, velocity
from .package import CONDITIONED_NOISE_SCALE, DEFAULT_GUIDANCE, DEFAULT_STEPS, GUIDANCE_INTERVAL, SHIFT, Model
from .train import WINDOW_LATENTS
from .world import SIZES, Scene, WorldObject, render, sample_scene

FRAMES = 1 + (WINDOW_LATENTS - 1) * N.TEMPORAL
GIVEN_LATENTS = 5                     # extension: 17 frames given (latents 0-4), or the last 16 (latents 5-8)


class Generator:
    """A run's weights sampled as the elements sample a package by default (flow.sample: DPM-Solver++
    2M, classifier-free guidance in the package's noise interval), or with other settings."""

    def __init__(self, model: Model, steps=DEFAULT_STEPS, guidance=DEFAULT_GUIDANCE, shift=SHIFT,
                 conditioned_noise_scale=CONDITIONED_NOISE_SCALE, sampler=SAMPLERS[0],
                 guidance_interval=tuple(GUIDANCE_INTERVAL)):
        self.m, self.steps, self.guidance, self.shift = model, steps, guidance, shift
        self.conditioned_noise_scale = conditioned_noise_scale
        self.sampler, self.guidance_interval = sampler, guidance_interval
        self.channels = model.config["latent_channels"]
        self.utext, self.umask = model.encode_text([""])

    def start(self, prompts, seed, t_lat=WINDOW_LATENTS, size=(64, 64)):
        """(a window's starting noise drawn from `seed`, the generator that drew it, and
        velocity(x, t, guided) for the prompts: guided by the empty prompt where `guided`)."""
        b = len(prompts)
        g = torch.Generator().manual_seed(seed)
        noise = torch.randn(b, self.channels, t_lat, size[0] // 8, size[1] // 8, generator=g)
        text, mask = self.m.encode_text(prompts)
        ut, um = self.utext.expand(b, -1, -1), self.umask.expand(b, -1)
        return noise, g, lambda x, t, guided: self.m.velocity(x, t, text, mask, ut, um, self.guidance if guided else None)

    def sample(self, prompts, seed, clean=None, clean_mask=None, t_lat=WINDOW_LATENTS, size=(64, 64)):
        b = len(prompts)
        noise, _, fn = self.start(prompts, seed, t_lat, size)
        if clean is None:
            clean, clean_mask = torch.zeros_like(noise), torch.zeros(b, t_lat)
        noise = starting_noise(noise, clean_mask, self.conditioned_noise_scale)
        return sample(fn, noise, clean, clean_mask, self.steps, self.shift, self.sampler, self.guidance_interval)

    def videos(self, prompts, seed, clean=None, clean_mask=None, batch=24):
        """uint8 (B, F, H, W, 3), sampled in batches of `batch`."""
        out = []
        for i in range(0, len(prompts), batch):
            c = None if clean is None else clean[i:i + batch]
            m = None if clean_mask is None else clean_mask[i:i + batch]
            out.append(self.m.decode_video(self.sample(prompts[i:i + batch], seed + i, c, m)).numpy())
        return np.concatenate(out)


def single_object_scenes(rng, n, held_out, accept=lambda s: True, **kw):
    """Single-object scenes without snow or pillar (every judged pixel belongs to the object)."""
    scenes = []
    while len(scenes) < n:
        s = sample_scene(rng, held_out=held_out, **kw)
        if len(s.objects) == 1 and not s.snow and not s.has_pillar and accept(s):
            scenes.append(s)
    return scenes


def shape_readable_scenes(rng, n, frames=slice(None)):
    """n in-distribution single-object scenes of 2 s where the judge reads the caption's shape on the
    rendered clip's `frames` (the shape probes: a lost shape is then the model's, not the judge's)."""
    def readable(s):
        return track(render([s], 64, 64, FRAMES)[0].numpy()[frames], s).shape == s.objects[0].shape
    return single_object_scenes(rng, n, "exclude", readable, clip_seconds=2.0)


def single_object_groups(rng, n) -> dict:
    """The evaluation's two single-object groups: n in-distribution scenes, then n held-out ones."""
    return {"in distribution": single_object_scenes(rng, n, "exclude"), "held out": single_object_scenes(rng, n, "only")}


JUDGED = ("colour", "shape", "size", "motion", "smooth")


def judged_line(r: dict) -> str:
    """judge_clips' figures as the experiments print them: colour / shape / size / motion / smooth."""
    return " / ".join(f"{r[m]:.2f}" for m in JUDGED)


def screen(gen: "Generator", groups: dict, seed: int) -> str:
    """One line of colour / shape / size / motion / smooth motion per group, sampled by `gen` with the
    evaluation's seeds (the experiments' screens of a sampler or a model against the default)."""
    row = []
    for k, (group, scenes) in enumerate(groups.items()):
        r = judge_clips(scenes, gen.videos([s.caption() for s in scenes], seed + 10000 * k))
        row.append(f"{group}: " + judged_line(r))
    return " | ".join(row)


def judge_clips(scenes, videos) -> dict:
    """Colour, shape, size, motion and smooth motion of single-object clips against their captions."""
    res = {"colour": [], "shape": [], "size": [], "motion": []}
    good = judged = 0
    for s, v in zip(scenes, videos):
        o, tr = s.objects[0], track(v, s)
        res["colour"].append(tr.color == o.color)
        res["shape"].append(tr.shape == o.shape)
        res["size"].append(tr.size == o.size)
        res["motion"].append(motion_of(tr, v.shape[1]) == o.motion)
        g, j = smooth_steps(tr, o.motion, v.shape[2], v.shape[1])
        good, judged = good + g, judged + j
    out = {k: float(np.mean(x)) for k, x in res.items()}
    out["smooth"] = good / judged if judged else float("nan")
    return out


def group_steps(videos, scenes) -> dict:
    """Mean object-centre step (px per frame) between frames of one latent group and across a
    group boundary; latent 0 is frame 0, latent k >= 1 holds frames 4k-3 .. 4k."""
    inner, across = [], []
    for v, s in zip(videos, scenes):
        tr = track(v, s)
        for i in range(len(v) - 1):
            if inside(tr, i, v.shape[2], v.shape[1]) and inside(tr, i + 1, v.shape[2], v.shape[1]):
                step = float(np.linalg.norm(tr.centroids[i + 1] - tr.centroids[i]))
                (across if i % N.TEMPORAL == 0 else inner).append(step)
    return {"inside_group": float(np.mean(inner)) if inner else float("nan"),
            "across_groups": float(np.mean(across)) if across else float("nan")}


@torch.no_grad()
def latent_spectrum(model: Model, truth) -> dict | None:
    """Variance of each temporal frequency of the frame codes (an orthonormal DCT over the 4 frames of
    a latent group; latent 0 left out), mean over channels: of the codes as the scalar scaling gives
    them to the denoiser, and of the latents the denoiser is trained on. A frequency whose variance is
    far below the mean's is buried by noise early in sampling and settled last. None for v1's
    autoencoder (one code per group)."""
    if model.config.get("vae") != "frame":
        return None
    codes = model.enc(truth.permute(0, 4, 1, 2, 3).float() / 127.5 - 1)[0]

    def per_frequency(x):
        z = N.group_frequencies(x[:, :, 1:])
        return [float(v) for v in z.var(dim=(0, 2, 3, 4)).reshape(N.TEMPORAL, -1).mean(dim=1)]
    return {"scaled_codes": per_frequency((codes - model.latent_shift) * model.latent_scale),
            "diffusion_latents": per_frequency(model.to_latents(codes))}


@torch.no_grad()
def autoencoder_report(model: Model, n: int, seed: int) -> dict:
    """Encode + decode of held-out renders (held-out compositions included): PSNR per size on n
    scenes of every kind, and on 4n single-object clips at 64x64 the step figures for truth and
    reconstruction and the judge on the reconstructions (a set of their own: only about 10 of 24
    scenes of every kind have one object, and there one clip moved the shape figure by 0.1)."""
    out = {}
    for h, w in ((64, 64), (64, 96), (96, 64)):
        rng = random.Random(seed + h * 7 + w)
        scenes = [sample_scene(rng, aspect=w / h, clip_seconds=FRAMES / 8, held_out="any") for _ in range(n)]
        truth = render(scenes, h, w, FRAMES)
        recon = model.decode_video(model.encode_video(truth)).numpy()
        mse = np.mean((recon.astype(np.float64) - truth.numpy()) ** 2) / 255.0 ** 2
        out[f"psnr_{w}x{h}"] = -10 * math.log10(mse + 1e-12)
        if (h, w) == (64, 64):
            out["latent_spectrum"] = latent_spectrum(model, truth)
    scenes = single_object_scenes(random.Random(seed + 1), 4 * n, "any", clip_seconds=FRAMES / 8)
    truth = render(scenes, 64, 64, FRAMES)
    recon = model.decode_video(model.encode_video(truth)).numpy()
    truth = truth.numpy()
    moving = [i for i, s in enumerate(scenes) if s.objects[0].motion != "stays still"]
    out["steps_truth"] = group_steps(truth[moving], [scenes[i] for i in moving])
    out["steps_reconstruction"] = group_steps(recon[moving], [scenes[i] for i in moving])
    out["judge_truth"] = judge_clips(scenes, truth)
    out["judge_reconstruction"] = judge_clips(scenes, recon)
    out["judged_clips"] = len(scenes)
    return out


def fair_pillar_scenes(rng, n):
    scenes = []
    while len(scenes) < n:
        s = sample_scene(rng, held_out="exclude", clip_seconds=FRAMES / 8)
        if s.has_pillar and not s.snow and through_pillar(render([s], 64, 64, FRAMES)[0].numpy(), s):
            scenes.append(s)
    return scenes


def occlusion(gen: Generator, scenes, seed) -> tuple[float, dict, np.ndarray]:
    """Share of generated pillar clips whose object comes out of the occlusion unchanged, how many
    clips had each outcome (judge.pillar_outcome), and the clips."""
    videos = gen.videos([s.caption() for s in scenes], seed)
    outcomes = [pillar_outcome(v, s) for s, v in zip(scenes, videos)]
    counts = {o: outcomes.count(o) for o in PILLAR_OUTCOMES}
    return counts[PILLAR_KEPT] / len(outcomes), counts, videos


def _continues(s: Scene, video: np.ndarray, truth: np.ndarray, frames: slice, velocity_frames: slice) -> bool:
    """The generated frames show the caption's object where and how the rendered truth does."""
    h = truth.shape[1]
    tr, tt = track(video, s), track(truth, s)
    cols = [c for c in tr.colors[frames] if not np.isnan(c[0])]
    if not cols or nearest_color(np.median(np.stack(cols), axis=0)) != s.objects[0].color:
        return False
    v_gen, v_true = velocity(tr, velocity_frames), velocity(tt, velocity_frames)
    if v_gen is None or v_true is None:
        return False
    near = np.nanmean(np.linalg.norm(tr.centroids[frames] - tt.centroids[frames], axis=1))
    return bool(np.linalg.norm(v_gen - v_true) <= 0.5 * max(np.linalg.norm(v_true), 0.5) and near <= 0.1 * h)


def fair_continuity_scenes(rng, n, direction):
    """Moving single-object scenes whose object is whole in every judged frame of the truth."""
    k = 1 + (GIVEN_LATENTS - 1) * N.TEMPORAL
    span = range(k - 6, k + 8) if direction == "forward" else range(FRAMES - 16 - 8, FRAMES - 16 + 6)

    def whole(s):
        v = render([s], 64, 64, FRAMES)[0].numpy()
        tr = track(v, s)
        return all(inside(tr, i, 64, 64) for i in span)
    return single_object_scenes(rng, n, "exclude", lambda s: s.objects[0].motion != "stays still" and whole(s),
                                clip_seconds=2.0)


@torch.no_grad()
def continuity(gen: Generator, scenes, seed, direction: str) -> tuple[float, float, np.ndarray]:
    """Forward: 17 rendered frames given (latents 0-4), 16 generated; backward: the last 16 given
    (latents 5-8), 17 generated before them. Returns (model score, truth score, videos)."""
    truth = render(scenes, 64, 64, FRAMES)
    lat = gen.m.encode_video(truth)
    mask = torch.zeros(len(scenes), WINDOW_LATENTS)
    if direction == "forward":
        mask[:, :GIVEN_LATENTS] = 1
        k = 1 + (GIVEN_LATENTS - 1) * N.TEMPORAL
        frames, vel = slice(k, k + 8), slice(k, k + 8)
    else:
        mask[:, GIVEN_LATENTS:] = 1
        k = FRAMES - (WINDOW_LATENTS - GIVEN_LATENTS) * N.TEMPORAL
        frames, vel = slice(k - 8, k), slice(k - 8, k)
    clean = lat * mask[:, None, :, None, None]
    videos = gen.videos([s.caption() for s in scenes], seed, clean, mask)
    t = truth.numpy()
    score = float(np.mean([_continues(s, v, tv, frames, vel) for s, v, tv in zip(scenes, videos, t)]))
    truth_score = float(np.mean([_continues(s, tv, tv, frames, vel) for s, tv in zip(scenes, t)]))
    return score, truth_score, videos


# Long clips judged for drift: bouncing objects stay in the frame for 60 s. The first is the one
# clip the evaluation used until the eighteenth session (the same seed).
DRIFT_SCENES = (WorldObject("red", "circle", "medium", "bounces"), "gray"), \
               (WorldObject("blue", "square", "big", "bounces"), "black"), \
               (WorldObject("magenta", "triangle", "medium", "bounces"), "navy"), \
               (WorldObject("green", "circle", "small", "bounces"), "white")


def judge_drift(s: Scene, video: np.ndarray) -> dict:
    """Colour and size class of the object in the first and the last 4 s, and its area's ratio."""
    first, last = track(video[:32], s), track(video[-32:], s)
    area = lambda tr: np.median(tr.areas[tr.areas > 0]) if (tr.areas > 0).any() else 0.0
    colour = s.objects[0].color
    return {"colour_kept": first.color == last.color == colour,
            "size_kept": first.size == last.size and first.size is not None,
            "area_end_vs_start": float(area(last) / max(1.0, area(first)))}


@torch.no_grad()
def drift(gen: Generator, seed, seconds=60, overlap_latents=2, scenes=DRIFT_SCENES) -> dict:
    """Long clips made window by window (clean-latent overlap), one per scene; colour and size early
    vs late in each: the shares kept and the median area ratio."""
    clips = []
    for k, (obj, background) in enumerate(scenes):
        s = Scene(objects=[obj], background=background)
        lat = gen.sample([s.caption()], seed + 1000 * k)
        chunks, total, i = [lat], lat.shape[2], 1
        while (1 + (total - 1) * 4) / 8 < seconds:
            clean = torch.zeros_like(lat)
            clean[:, :, :overlap_latents] = lat[:, :, -overlap_latents:]
            mask = torch.zeros(1, WINDOW_LATENTS)
            mask[:, :overlap_latents] = 1
            lat = gen.sample([s.caption()], seed + 1000 * k + i, clean, mask)
            chunks.append(lat[:, :, overlap_latents:])
            total += WINDOW_LATENTS - overlap_latents
            i += 1
        video = gen.m.decode_video(torch.cat(chunks, dim=2))[0].numpy()
        clips.append({"caption": s.caption(), "seconds": len(video) / 8, **judge_drift(s, video)})
    return {"clips": clips, "colour_kept": float(np.mean([c["colour_kept"] for c in clips])),
            "size_kept": float(np.mean([c["size_kept"] for c in clips])),
            "area_end_vs_start": float(np.median([c["area_end_vs_start"] for c in clips]))}


def contact_sheet(videos, path, every=4):
    rows = [np.concatenate([v[f] for f in range(0, v.shape[0], every)], axis=1) for v in videos]
    img = Image.fromarray(np.concatenate(rows, axis=0))
    img.resize((img.width * 2, img.height * 2), Image.NEAREST).save(path)


def gif(videos, path, fps=8):
    frames = [Image.fromarray(np.concatenate([v[f] for v in videos], axis=1)).resize(
        (videos[0].shape[2] * len(videos) * 2, videos[0].shape[1] * 2), Image.NEAREST) for f in range(videos[0].shape[0])]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=int(1000 / fps), loop=0)


def evaluate(weights: str, out: str, n: int, seed: int, steps: int, guidance: float, shift: float,
             quick: bool = False, conditioned_noise_scale: float = CONDITIONED_NOISE_SCALE,
             sampler: str = SAMPLERS[0], guidance_interval=tuple(GUIDANCE_INTERVAL)) -> dict:
    os.makedirs(out, exist_ok=True)
    model = Model(weights)
    gen = Generator(model, steps, guidance, shift, conditioned_noise_scale, sampler, guidance_interval)
    rng = random.Random(seed)
    t0 = time.time()
    report = {"weights": weights, "steps": model.steps, "settings": {"steps": steps, "guidance": guidance,
              "shift": shift, "conditioned_noise_scale": conditioned_noise_scale, "sampler": sampler,
              "guidance_interval": list(guidance_interval),
              "seed": seed, "n": n}}
    report["autoencoder"] = autoencoder_report(model, max(8, n // 4), seed)
    ind_scenes, held_scenes = single_object_groups(rng, n).values()
    ind_videos = gen.videos([s.caption() for s in ind_scenes], seed)
    held_videos = gen.videos([s.caption() for s in held_scenes], seed + 10000)
    report["in_distribution"] = judge_clips(ind_scenes, ind_videos)
    report["held_out"] = judge_clips(held_scenes, held_videos)
    ind_truth = render(ind_scenes, 64, 64, FRAMES).numpy()
    report["truth_in_distribution"] = judge_clips(ind_scenes, ind_truth)
    # Where generated motion breaks: inside a latent group (one token's frames) or between groups.
    report["group_steps"] = {"generated": group_steps(ind_videos, ind_scenes), "truth": group_steps(ind_truth, ind_scenes)}
    k = max(8, n // 2)
    report["occlusion"], report["occlusion_outcomes"], pillar_videos = occlusion(gen, fair_pillar_scenes(rng, k), seed + 20000)
    for direction in ("forward", "backward"):
        score, truth, _ = continuity(gen, fair_continuity_scenes(rng, k, direction), seed + 30000, direction)
        report[f"continuity_{direction}"], report[f"continuity_{direction}_truth"] = score, truth
    if not quick:
        report["drift"] = drift(gen, seed + 40000)
    report["minutes"] = (time.time() - t0) / 60
    with open(os.path.join(out, "evaluation.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(out, "evaluation.md"), "w") as f:
        f.write(markdown(report) + "\n")
    contact_sheet(list(ind_videos[:6]) + list(pillar_videos[:2]), os.path.join(out, "contact-sheet.png"))
    gif(list(ind_videos[:6]), os.path.join(out, "preview.gif"))
    with open(os.path.join(out, "contact-sheet.txt"), "w") as f:
        f.write("\n".join(s.caption() for s in ind_scenes[:6]) + "\n(two pillar clips)\n")
    with open(os.path.join(out, "tracks.txt"), "w") as f:
        f.write(tracks_text(ind_scenes[:12], ind_videos[:12], ind_truth[:12]))
    return report


def tracks_text(scenes, videos, truth) -> str:
    """The object's centre frame by frame, generated and rendered, with a bar between latent groups
    (frames 1-4, 5-8, ...): where motion freezes inside groups or jumps between them, it shows."""
    lines = []
    for s, v, t in zip(scenes, videos, truth):
        lines.append(s.caption())
        for name, video in (("generated", v), ("rendered ", t)):
            cells = [" .".ljust(5) if np.isnan(c).any() else f"{c[0]:.0f},{c[1]:.0f}".ljust(5) for c in track(video, s).centroids]
            lines.append(f"  {name} {cells[0]} | " + " | ".join(" ".join(cells[i:i + N.TEMPORAL])
                                                              for i in range(1, len(cells), N.TEMPORAL)))
    return "\n".join(lines) + "\n"


def markdown(r: dict) -> str:
    a = r["autoencoder"]
    f2 = lambda x: f"{x:.2f}"
    lines = [
        "| autoencoder (held-out renders) | value |", "| --- | --- |",
        f"| PSNR 64x64 / 96x64 / 64x96 | {a['psnr_64x64']:.1f} / {a['psnr_96x64']:.1f} / {a['psnr_64x96']:.1f} dB |",
        f"| centre step inside a latent group, truth -> reconstruction | {a['steps_truth']['inside_group']:.2f} -> "
        f"{a['steps_reconstruction']['inside_group']:.2f} px/frame |",
        f"| centre step across group boundaries, truth -> reconstruction | {a['steps_truth']['across_groups']:.2f} -> "
        f"{a['steps_reconstruction']['across_groups']:.2f} px/frame |",
        "| judge on reconstructions: colour / shape / size / motion | " + " / ".join(
            f2(a["judge_reconstruction"][k]) for k in ("colour", "shape", "size", "motion")) +
        f" ({a['judged_clips']} clips; truth " + " / ".join(
            f2(a["judge_truth"][k]) for k in ("colour", "shape", "size", "motion")) + ") |",
        *([f"| variance of temporal frequencies 0 / 1 / 2 / 3 inside a latent group, scaled codes | "
           + " / ".join(f"{v:.3g}" for v in a["latent_spectrum"]["scaled_codes"]) + " |",
           "| the same, diffusion latents (what the denoiser learns) | "
           + " / ".join(f"{v:.3g}" for v in a["latent_spectrum"]["diffusion_latents"]) + " |"]
          if a.get("latent_spectrum") else []),
        "",
        "| generation | colour | shape | size | motion | smooth motion |", "| --- | --- | --- | --- | --- | --- |"]
    for name, key in (("in distribution", "in_distribution"), ("held-out compositions", "held_out"),
                      ("rendered truth (in distribution)", "truth_in_distribution")):
        g = r[key]
        lines.append(f"| {name} | " + " | ".join(f2(g[k]) for k in ("colour", "shape", "size", "motion", "smooth")) + " |")
    lines += ["", "| check | model | rendered truth |", "| --- | --- | --- |"]
    if "group_steps" in r:
        gs = r["group_steps"]
        lines.append("| in distribution: centre step inside a latent group / across group boundaries | "
                     f"{gs['generated']['inside_group']:.2f} / {gs['generated']['across_groups']:.2f} px/frame | "
                     f"{gs['truth']['inside_group']:.2f} / {gs['truth']['across_groups']:.2f} px/frame |")
    lines += [
              f"| through the pillar | {f2(r['occlusion'])} | 1.00 (scenes drawn so) |",
              *([f"| through the pillar, clips that failed: " + ", ".join(
                  f"{k} {v}" for k, v in r["occlusion_outcomes"].items() if k != PILLAR_KEPT and v) + " | | |"]
                if "occlusion_outcomes" in r else []),
              f"| extension continuity, forward | {f2(r['continuity_forward'])} | {f2(r['continuity_forward_truth'])} |",
              f"| extension continuity, backward | {f2(r['continuity_backward'])} | {f2(r['continuity_backward_truth'])} |"]
    if "drift" in r:
        d = r["drift"]
        n = len(d.get("clips", [d]))
        lines.append(f"| 60 s drift ({n} clips): colour kept / size kept / area end vs start (median) | "
                     f"{float(d['colour_kept']):.2f} / {float(d['size_kept']):.2f} / {d['area_end_vs_start']:.2f} | |")
    s = r["settings"]
    sampler = {"euler": "Euler", "dpm++2m": "DPM-Solver++ 2M"}[s.get("sampler", "euler")]
    lo, hi = s.get("guidance_interval", (0.0, 1.0))
    lines += ["", f"{s['n']} prompts per group; {sampler}, {s['steps']} steps, guidance {s['guidance']} at noise levels in "
                  f"({lo:g}, {hi:g}], shift {s['shift']}, "
                  f"starting noise of windows with given frames x{s.get('conditioned_noise_scale', 1.0)}, "
                  f"seed {s['seed']}; weights at autoencoder step {r['steps']['vae_step']}"
                  + (f" (decoder trained on alone to step {r['steps']['dec_step']})" if r['steps'].get('dec_step') else "")
                  + ", denoiser step "
                  f"{r['steps']['dit_step']}; {r['minutes']:.1f} min"]
    return "\n".join(lines)


def interval(text: str) -> tuple[float, float]:
    """FROM,TO with 0 <= FROM < TO <= 1 (the manifest's scheduler.guidance_interval)."""
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected FROM,TO, e.g. 0.5,0.95")
    if not 0 <= lo < hi <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected 0 <= FROM < TO <= 1")
    return lo, hi


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=96, help="prompts per group")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    ap.add_argument("--guidance", type=float, default=DEFAULT_GUIDANCE)
    ap.add_argument("--shift", type=float, default=SHIFT)
    ap.add_argument("--conditioned-noise-scale", type=float, default=CONDITIONED_NOISE_SCALE,
                    help="starting noise of windows with given frames (extension, a long clip's later windows)")
    ap.add_argument("--sampler", choices=SAMPLERS, default=SAMPLERS[0],
                    help="the elements' default (dpm++2m), or euler (the evaluations before the eighteenth session)")
    ap.add_argument("--guidance-interval", type=interval, default=tuple(GUIDANCE_INTERVAL),
                    help="FROM,TO: guidance only at noise levels in (FROM, TO], as the package's manifest says "
                         "(default %(default)s); 0,1 guides every step")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--quick", action="store_true", help="no 60 s drift clips")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    report = evaluate(args.weights, args.out, args.n, args.seed, args.steps, args.guidance, args.shift, args.quick,
                      args.conditioned_noise_scale, args.sampler, args.guidance_interval)
    print(markdown(report))


if __name__ == "__main__":
    main()
