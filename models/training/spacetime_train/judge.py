"""Judges a clip against its caption by analysing pixels (WORLD.md, "What a generated clip is judged on").

Works on single-object clips: finds the object as the pixels far from the background (and pillar)
colour, then reads its colour, shape (fill of its bounding box), size and motion (centroid track).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .world import BACKGROUNDS, DIRECTIONS, NATIVE_FPS, OBJECT_COLORS, PILLAR_RGB, SIZES, SPEED, Scene

FILL = {"circle": np.pi / 4, "square": 1.0, "triangle": 0.5}


@dataclass
class Track:
    color: str | None
    shape: str | None
    size: str | None
    centroids: np.ndarray      # (F, 2) x, y in pixels, NaN where not visible
    areas: np.ndarray          # (F,)
    boxes: np.ndarray          # (F, 4) x0, y0, x1, y1 (exclusive), NaN where not visible
    colors: np.ndarray         # (F, 3) median RGB of the object's pixels, NaN where not visible


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
    boxes = np.full((f_count, 4), np.nan)
    frame_colors = np.full((f_count, 3), np.nan)
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
        frame_colors[i] = colors[-1]
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
        boxes[i] = x0, y0, x1, y1
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
    return Track(color, shape, size, cents, areas, boxes, frame_colors)


def nearest_color(rgb) -> str:
    return min(OBJECT_COLORS, key=lambda k: np.linalg.norm(np.asarray(rgb) - np.array(OBJECT_COLORS[k])))


def inside(tr: Track, i: int, width: int, height: int, margin: int = 1) -> bool:
    """Frame i shows the whole object: visible and its box clear of the frame's edges."""
    x0, y0, x1, y1 = tr.boxes[i]
    return not np.isnan(x0) and x0 >= margin and y0 >= margin and x1 <= width - margin and y1 <= height - margin


def smooth_steps(tr: Track, motion: str, width: int, height: int, fps: float = NATIVE_FPS) -> tuple[int, int]:
    """(steps at 0.4-2x the world speed, steps judged) over consecutive frames that both show the
    whole object: what a clip that moves smoothly has and one that freezes and jumps has not."""
    if motion == "stays still" or (motion not in DIRECTIONS and motion != "bounces"):
        return 0, 0
    speed = SPEED * height / fps * (np.sqrt(2) if motion == "bounces" else 1.0)     # px per frame
    good = judged = 0
    for i in range(len(tr.centroids) - 1):
        if inside(tr, i, width, height) and inside(tr, i + 1, width, height):
            step = np.linalg.norm(tr.centroids[i + 1] - tr.centroids[i])
            judged += 1
            good += 0.4 * speed <= step <= 2.0 * speed
    return good, judged


def pillar_columns(video: np.ndarray) -> tuple[int, int] | None:
    """[x0, x1) of the pillar: the columns whose pixels are mostly the pillar's colour."""
    near = np.linalg.norm(video.astype(np.float32) - np.array(PILLAR_RGB), axis=-1) < 40     # (F, H, W)
    cols = np.nonzero(near.mean(axis=(0, 1)) > 0.6)[0]
    return (int(cols.min()), int(cols.max()) + 1) if len(cols) else None


PILLAR_KEPT = "kept"
PILLAR_OUTCOMES = (PILLAR_KEPT, "never whole on the side it starts from", "does not come out", "colour changed",
                   "area changed", "no pillar")


def pillar_outcome(video: np.ndarray, scene: Scene) -> str:
    """What happens to the object of a pillar clip (one of PILLAR_OUTCOMES): kept (seen whole on both
    sides of the pillar, with the caption's colour on both and the same area within 25 %), or the
    first test it fails. The side it starts from is the one its motion leaves."""
    cols = pillar_columns(video)
    if cols is None:
        return "no pillar"
    tr = track(video, scene)
    f, h, w, _ = video.shape
    sides = {"left": [], "right": []}
    for i in range(f):
        if inside(tr, i, w, h) and (tr.boxes[i, 2] <= cols[0] - 1 or tr.boxes[i, 0] >= cols[1] + 1):
            sides["left" if tr.boxes[i, 2] <= cols[0] - 1 else "right"].append(i)
    start, end = ("left", "right") if scene.objects[0].motion == "moves right" else ("right", "left")
    if not sides[start]:
        return "never whole on the side it starts from"
    if not sides[end]:
        return "does not come out"
    want = scene.objects[0].color
    if any(nearest_color(np.median(tr.colors[sides[side]], axis=0)) != want for side in sides):
        return "colour changed"
    a, b = np.median(tr.areas[sides[start]]), np.median(tr.areas[sides[end]])
    return PILLAR_KEPT if 0.75 <= a / max(b, 1) <= 1.0 / 0.75 else "area changed"


def through_pillar(video: np.ndarray, scene: Scene) -> bool | None:
    """The object came out of the occlusion unchanged (pillar_outcome "kept"). None: the clip never
    shows it whole on both sides (not judgeable), False: it does not come out as it went in."""
    outcome = pillar_outcome(video, scene)
    if outcome in ("never whole on the side it starts from", "does not come out"):
        return None
    return outcome == PILLAR_KEPT


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
