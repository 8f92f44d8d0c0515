"""Spacetime World v1 (shared/world/WORLD.md): scene sampling, captions, and a vectorised renderer.

Every size is relative to the frame height H (pillar width to W), speeds are per second, so the same
scene renders at any size and frame rate. Rendering is pure torch and batched, on CPU or GPU.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import torch

BACKGROUNDS = {"black": (16, 16, 16), "gray": (128, 128, 128), "white": (236, 236, 236), "navy": (20, 28, 110)}
OBJECT_COLORS = {
    "red": (222, 44, 44), "green": (36, 190, 72), "blue": (56, 100, 245), "yellow": (242, 216, 38),
    "magenta": (212, 64, 212), "cyan": (44, 206, 222), "orange": (246, 138, 30), "white": (248, 248, 248),
}
PILLAR_RGB = (128, 84, 44)
PILLAR_WORDS = " behind a pillar"   # how a caption says an object passes behind the pillar
SNOW_RGB = (250, 250, 250)
SHAPES = ("circle", "square", "triangle")
SIZES = {"small": 0.16, "medium": 0.22, "big": 0.30}
MOTIONS = ("moves left", "moves right", "moves up", "moves down", "bounces", "stays still")
SPEED = 0.35          # H per second
PILLAR_WIDTH = 0.16   # of W
SNOW_PER_4096_PX = 24
NATIVE_FPS = 8

DIRECTIONS = {"moves left": (-1, 0), "moves right": (1, 0), "moves up": (0, -1), "moves down": (0, 1),
              "stays still": (0, 0)}


@dataclass
class WorldObject:
    color: str
    shape: str
    size: str          # small | medium | big
    motion: str
    pillar: bool = False
    # Start centre (fractions of W and H) and, for bounces, the diagonal signs.
    x: float = 0.5
    y: float = 0.5
    bounce_dir: tuple[int, int] = (1, 1)

    def phrase(self) -> str:
        size = "" if self.size == "medium" else self.size + " "
        tail = PILLAR_WORDS if self.pillar else ""
        return f"a {size}{self.color} {self.shape} {self.motion}{tail}"


@dataclass
class Scene:
    objects: list[WorldObject]
    background: str
    snow: bool = False
    pillar_x: float = 0.5          # pillar centre, fraction of W
    snow_seed: int = 0

    def caption(self) -> str:
        text = " and ".join(o.phrase() for o in self.objects) + f" on a {self.background} background"
        return text + (" while snow falls" if self.snow else "")

    @property
    def has_pillar(self) -> bool:
        return any(o.pillar for o in self.objects)


def is_held_out(scene: Scene) -> bool:
    """The three compositions WORLD.md keeps out of every training clip."""
    for o in scene.objects:
        if o.color == "yellow" and o.shape == "triangle":
            return True
        if o.color == "orange" and o.motion == "moves up":
            return True
        if o.shape == "square" and o.motion == "bounces" and scene.background == "navy":
            return True
    return False


def _place(obj: WorldObject, rng: random.Random, aspect: float, clip_seconds: float) -> None:
    """Start position: whole object in frame for the clip where the motion allows, else it enters
    fully visible from the side it moves away from. Units: x as fraction of W, y of H."""
    s_y = SIZES[obj.size]                 # size as a fraction of H
    s_x = s_y / aspect                    # the same size as a fraction of W (aspect = W/H)
    dx, dy = DIRECTIONS.get(obj.motion, (0, 0))
    travel_x = SPEED * clip_seconds / aspect
    travel_y = SPEED * clip_seconds

    def axis(s: float, d: int, travel: float) -> float:
        lo, hi = s / 2, 1 - s / 2
        if d == 0:
            return rng.uniform(lo, hi)
        if travel <= hi - lo:             # fits: the whole path stays inside
            start_lo, start_hi = (lo, hi - travel) if d > 0 else (lo + travel, hi)
            return rng.uniform(start_lo, start_hi)
        jitter = min(0.1, hi - lo)
        return rng.uniform(lo, lo + jitter) if d > 0 else rng.uniform(hi - jitter, hi)

    obj.x = axis(s_x, dx, travel_x)
    obj.y = axis(s_y, dy, travel_y)
    if obj.motion == "bounces":
        obj.bounce_dir = (rng.choice((-1, 1)), rng.choice((-1, 1)))


def sample_scene(rng: random.Random, *, aspect: float = 1.0, clip_seconds: float = 4.0,
                 held_out: str = "exclude") -> Scene:
    """A random captioned scene. held_out: 'exclude' (training), 'only' (evaluation), 'any'."""
    while True:
        scene = _sample_scene_once(rng, aspect, clip_seconds)
        h = is_held_out(scene)
        if held_out == "any" or (held_out == "exclude" and not h) or (held_out == "only" and h):
            return scene


def _sample_scene_once(rng: random.Random, aspect: float, clip_seconds: float) -> Scene:
    bg = rng.choice(list(BACKGROUNDS))
    n = 1 if rng.random() < 0.7 else 2
    colors = [c for c in OBJECT_COLORS if not (c == "white" and bg == "white")]
    chosen = rng.sample(colors, n)
    objects = []
    for c in chosen:
        objects.append(WorldObject(color=c, shape=rng.choice(SHAPES), size=rng.choice(list(SIZES)),
                                   motion=rng.choice(MOTIONS)))
    scene = Scene(objects=objects, background=bg, snow_seed=rng.randrange(1 << 30))
    if n == 1 and objects[0].motion in ("moves left", "moves right") and rng.random() < 0.35:
        objects[0].pillar = True
        scene.pillar_x = rng.uniform(0.4, 0.6)
    if bg in ("black", "navy") and rng.random() < 0.3:
        scene.snow = True
    for o in objects:
        _place(o, rng, aspect, clip_seconds)
    if scene.has_pillar:
        # The object starts on one side of the pillar and crosses behind it during the clip.
        o = objects[0]
        s_x = SIZES[o.size] / aspect
        half = PILLAR_WIDTH / 2 + s_x / 2
        if o.motion == "moves right":
            o.x = rng.uniform(s_x / 2, max(s_x / 2, scene.pillar_x - half))
        else:
            o.x = rng.uniform(min(1 - s_x / 2, scene.pillar_x + half), 1 - s_x / 2)
    return scene


# ----------------------------------------------------------------------------------- captions


def parse_caption(text: str) -> Scene:
    """Inverse of Scene.caption (positions left at defaults). Raises ValueError on text outside the grammar."""
    words = text.strip().split(" ")
    if " ".join(words) != text:
        raise ValueError(f"caption must be lower case words separated by single spaces: {text!r}")
    snow = text.endswith(" while snow falls")
    if snow:
        text = text[: -len(" while snow falls")]
    marker = " on a "
    if marker not in text or not text.endswith(" background"):
        raise ValueError(f"caption lacks 'on a <bg> background': {text!r}")
    objs_text, bg_text = text.rsplit(marker, 1)
    bg = bg_text[: -len(" background")]
    if bg not in BACKGROUNDS:
        raise ValueError(f"unknown background {bg!r}; accepted: {', '.join(BACKGROUNDS)}")
    objects = [_parse_object(p) for p in objs_text.split(" and ")]
    if not 1 <= len(objects) <= 2:
        raise ValueError("a caption has one or two objects")
    return Scene(objects=objects, background=bg, snow=snow)


def _parse_object(text: str) -> WorldObject:
    w = text.split(" ")
    if w[0] != "a":
        raise ValueError(f"object phrase must start with 'a': {text!r}")
    w = w[1:]
    size = "medium"
    if w[0] in ("small", "big"):
        size, w = w[0], w[1:]
    color, shape, rest = w[0], w[1], " ".join(w[2:])
    if color not in OBJECT_COLORS or shape not in SHAPES:
        raise ValueError(f"unknown colour or shape in {text!r}")
    pillar = rest.endswith(PILLAR_WORDS)
    motion = rest[: -len(PILLAR_WORDS)] if pillar else rest
    if motion not in MOTIONS:
        raise ValueError(f"unknown motion {motion!r}; accepted: {', '.join(MOTIONS)}")
    return WorldObject(color=color, shape=shape, size=size, motion=motion, pillar=pillar)


def vocabulary() -> list[str]:
    """Every word the caption grammar can produce."""
    words = {"a", "and", "on", "background", "while", "snow", "falls", "behind", "pillar", "small", "big"}
    words |= set(OBJECT_COLORS) | set(BACKGROUNDS) | set(SHAPES)
    for m in MOTIONS:
        words |= set(m.split())
    return sorted(words)


# ----------------------------------------------------------------------------------- renderer


def _rgb(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float32) / 255.0


def _box_overlap(px: torch.Tensor, lo: torch.Tensor, hi: torch.Tensor) -> torch.Tensor:
    """Exact 1-D coverage of pixel [px, px+1) by [lo, hi)."""
    return (torch.minimum(px + 1, hi) - torch.maximum(px, lo)).clamp(0, 1)


def _reflect(p0: torch.Tensor, v: torch.Tensor, t: torch.Tensor, lo: torch.Tensor, hi: torch.Tensor) -> torch.Tensor:
    """Position of a point moving at v inside [lo, hi] with elastic reflection at both ends."""
    span = (hi - lo).clamp(min=1e-6)
    u = torch.remainder(p0 - lo + v * t, 2 * span)
    return lo + torch.where(u <= span, u, 2 * span - u)


def render(scenes: list[Scene], height: int, width: int, frames: int, fps: float = NATIVE_FPS,
           start_time: float = 0.0, device: str | torch.device = "cpu") -> torch.Tensor:
    """Render scenes to uint8 frames of shape (B, frames, height, width, 3)."""
    dev = torch.device(device)
    B, H, W = len(scenes), float(height), float(width)
    t = (start_time + torch.arange(frames, device=dev, dtype=torch.float32) / fps).view(1, frames, 1, 1)
    ys = torch.arange(height, device=dev, dtype=torch.float32).view(1, 1, height, 1)
    xs = torch.arange(width, device=dev, dtype=torch.float32).view(1, 1, 1, width)

    bg = torch.stack([_rgb(BACKGROUNDS[s.background]) for s in scenes]).to(dev)
    img = bg.view(B, 1, 1, 1, 3).expand(B, frames, height, width, 3).clone()

    if any(s.snow for s in scenes):
        img = _draw_snow(img, scenes, t, H, W, dev)

    max_objs = max(len(s.objects) for s in scenes)
    for k in range(max_objs):
        present = torch.tensor([len(s.objects) > k for s in scenes], device=dev)
        objs = [s.objects[k] if len(s.objects) > k else s.objects[0] for s in scenes]
        cov = _object_coverage(objs, t, xs, ys, H, W, dev) * present.view(B, 1, 1, 1)
        color = torch.stack([_rgb(OBJECT_COLORS[o.color]) for o in objs]).to(dev).view(B, 1, 1, 1, 3)
        img = img + cov.unsqueeze(-1) * (color - img)

    if any(s.has_pillar for s in scenes):
        centre = torch.tensor([s.pillar_x * W for s in scenes], device=dev).view(B, 1, 1, 1)
        half = PILLAR_WIDTH * W / 2
        cov = _box_overlap(xs, centre - half, centre + half)
        cov = cov * torch.tensor([s.has_pillar for s in scenes], device=dev).view(B, 1, 1, 1)
        img = img + cov.unsqueeze(-1) * (_rgb(PILLAR_RGB).to(dev) - img)

    return (img * 255.0).round().clamp(0, 255).to(torch.uint8)


def _object_coverage(objs: list[WorldObject], t, xs, ys, H: float, W: float, dev) -> torch.Tensor:
    B = len(objs)

    def col(values):
        return torch.tensor(values, device=dev, dtype=torch.float32).view(B, 1, 1, 1)

    s = col([SIZES[o.size] * H for o in objs])
    x0, y0 = col([o.x * W for o in objs]), col([o.y * H for o in objs])
    v = SPEED * H
    dx = col([o.bounce_dir[0] if o.motion == "bounces" else DIRECTIONS[o.motion][0] for o in objs]) * v
    dy = col([o.bounce_dir[1] if o.motion == "bounces" else DIRECTIONS[o.motion][1] for o in objs]) * v
    bounce = col([o.motion == "bounces" for o in objs]) > 0
    cx = torch.where(bounce, _reflect(x0, dx, t, s / 2, W - s / 2), x0 + dx * t)
    cy = torch.where(bounce, _reflect(y0, dy, t, s / 2, H - s / 2), y0 + dy * t)

    square = _box_overlap(xs, cx - s / 2, cx + s / 2) * _box_overlap(ys, cy - s / 2, cy + s / 2)
    dist = torch.sqrt((xs + 0.5 - cx) ** 2 + (ys + 0.5 - cy) ** 2)
    circle = (s / 2 - dist + 0.5).clamp(0, 1)
    # Triangle, apex up, base s, height s: signed distance to its three edges (positive inside).
    px, py = xs + 0.5 - cx, ys + 0.5 - cy
    k = 1 / math.sqrt(5)
    d_left = (2 * px + py + s / 2) * k
    d_right = (-2 * px + py + s / 2) * k
    d_base = s / 2 - py
    triangle = (torch.minimum(torch.minimum(d_left, d_right), d_base) + 0.5).clamp(0, 1)

    shape = col([SHAPES.index(o.shape) for o in objs])
    return torch.where(shape == 0, circle, torch.where(shape == 1, square, triangle))


def _draw_snow(img, scenes, t, H: float, W: float, dev) -> torch.Tensor:
    B, T = img.shape[0], img.shape[1]
    n = max(1, round(SNOW_PER_4096_PX * H * W / 4096))
    side = max(1, round(H / 48))
    gens = [torch.Generator().manual_seed(s.snow_seed) for s in scenes]
    params = torch.stack([torch.rand(n, 4, generator=g) for g in gens]).to(dev)   # (B, n, 4)
    x0, y0 = params[..., 0] * W, params[..., 1] * H
    vy = (0.25 + 0.20 * params[..., 2]) * H
    vx = (-0.05 + 0.10 * params[..., 3]) * H
    tt = t.view(1, T, 1)
    x = torch.remainder(x0.unsqueeze(1) + vx.unsqueeze(1) * tt, W)              # (B, T, n)
    y = torch.remainder(y0.unsqueeze(1) + vy.unsqueeze(1) * tt, H)
    px = torch.arange(int(W), device=dev, dtype=torch.float32).view(1, 1, 1, -1)
    py = torch.arange(int(H), device=dev, dtype=torch.float32).view(1, 1, 1, -1)

    def wrapped(p, pos, size):  # coverage with the particle also drawn one period earlier (wrap-around)
        a = _box_overlap(p, pos.unsqueeze(-1), pos.unsqueeze(-1) + side)
        b = _box_overlap(p, pos.unsqueeze(-1) - size, pos.unsqueeze(-1) - size + side)
        return a + b

    cov_x, cov_y = wrapped(px, x, W), wrapped(py, y, H)                             # (B,T,n,W), (B,T,n,H)
    cov = torch.einsum("btnh,btnw->bthw", cov_y, cov_x).clamp(0, 1)
    cov = cov * torch.tensor([s.snow for s in scenes], device=dev, dtype=torch.float32).view(B, 1, 1, 1)
    return img + cov.unsqueeze(-1) * (_rgb(SNOW_RGB).to(dev) - img)
