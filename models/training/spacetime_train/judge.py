"""Judges a clip against its caption by analysing pixels (WORLD.md, "What a generated clip is judged on").

Works on single-object clips: finds the object as the pixels far from the background (and pillar)
colour, then reads its colour, shape (fill of its bounding box), size and motion (centroid track).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .world import BACKGROUNDS, OBJECT_COLORS, PILLAR_RGB, SIZES, Scene

FILL = {"circle": np.pi / 4, "square": 1.0, "triangle": 0.5}


@dataclass
class Track:
    color: str | None
    shape: str | None
    size: str | None
    centroids: np.ndarray      # (F, 2) x, y in pixels, NaN where not visible
    areas: np.ndarray          # (F,)


def _object_mask(frame: np.ndarray, scene: Scene) -> np.ndarray:
    f = frame.astype(np.float32)
    far_bg = np.linalg.norm(f - np.array(BACKGROUNDS[scene.background]), axis=-1) > 60
    if scene.has_pillar:
        far_bg &= np.linalg.norm(f - np.array(PILLAR_RGB), axis=-1) > 40
    if scene.snow:   # snow flakes are tiny: drop isolated pixels
        n = far_bg.astype(np.int32)
        neigh = sum(np.roll(np.roll(n, dy, 0), dx, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
        far_bg &= neigh >= 5
    return far_bg


def track(video: np.ndarray, scene: Scene) -> Track:
    """video (F, H, W, 3) uint8."""
    f_count, h, w, _ = video.shape
    cents = np.full((f_count, 2), np.nan)
    areas = np.zeros(f_count)
    colors, fills, sizes = [], [], []
    for i, frame in enumerate(video):
        m = _object_mask(frame, scene)
        areas[i] = m.sum()
        if m.sum() < 4:
            continue
        ys, xs = np.nonzero(m)
        cents[i] = xs.mean() + 0.5, ys.mean() + 0.5
        colors.append(np.median(frame[m].astype(np.float32), axis=0))
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
        inside = x0 > 0 and y0 > 0 and x1 < w and y1 < h
        if inside and not scene.has_pillar:
            fills.append(m.sum() / ((x1 - x0) * (y1 - y0)))
            sizes.append(max(x1 - x0, y1 - y0) / h)
    color = None
    if colors:
        c = np.median(np.stack(colors), axis=0)
        color = min(OBJECT_COLORS, key=lambda k: np.linalg.norm(c - np.array(OBJECT_COLORS[k])))
    shape = min(FILL, key=lambda k: abs(np.median(fills) - FILL[k])) if fills else None
    size = min(SIZES, key=lambda k: abs(np.median(sizes) - SIZES[k])) if sizes else None
    return Track(color, shape, size, cents, areas)


def motion_of(tr: Track, height: int) -> str | None:
    ok = ~np.isnan(tr.centroids[:, 0])
    if ok.sum() < 3:
        return None
    c = tr.centroids[ok]
    d = c[-1] - c[0]
    path = np.abs(np.diff(c, axis=0)).sum(axis=0)
    if np.abs(d).max() < 0.08 * height and path.max() < 0.15 * height:
        return "stays still"
    if path.min() > 0.15 * height and path.max() < 2.5 * path.min():
        return "bounces"          # moves along both axes: a diagonal, reflected at the edges
    if abs(d[0]) >= abs(d[1]):
        return "moves right" if d[0] > 0 else "moves left"
    return "moves down" if d[1] > 0 else "moves up"


def velocity(tr: Track, frames: slice) -> np.ndarray | None:
    c = tr.centroids[frames]
    ok = ~np.isnan(c[:, 0])
    if ok.sum() < 2:
        return None
    idx = np.arange(len(c))[ok]
    return (c[ok][-1] - c[ok][0]) / max(1, idx[-1] - idx[0])
