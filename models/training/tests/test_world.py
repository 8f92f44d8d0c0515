"""The renderer and caption sampler measured against shared/world/WORLD.md."""
import random

import numpy as np
import pytest

from spacetime_train.world import (BACKGROUNDS, OBJECT_COLORS, PILLAR_RGB, SIZES, SPEED, Scene, WorldObject,
                                   is_held_out, parse_caption, render, sample_scene)


def one(color="red", shape="square", size="medium", motion="stays still", bg="black", x=0.5, y=0.5, **kw):
    return Scene(objects=[WorldObject(color, shape, size, motion, x=x, y=y, **kw)], background=bg)


def obj_mask(frame, bg):
    return np.abs(frame.astype(int) - np.array(BACKGROUNDS[bg])).sum(-1) > 0


def test_palette_exact():
    v = render([one("green", bg="navy")], 64, 64, 1)[0, 0].numpy()
    assert tuple(v[32, 32]) == OBJECT_COLORS["green"]
    assert tuple(v[0, 0]) == BACKGROUNDS["navy"]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("h,w", [(64, 64), (96, 64), (64, 96)])
def test_square_side_is_fraction_of_height(size, h, w):
    v = render([one(size=size)], h, w, 1)[0, 0].numpy().astype(float)
    coverage = (v[..., 0] - 16) / (222 - 16)       # red channel blends linearly with coverage
    assert coverage.sum() == pytest.approx((SIZES[size] * h) ** 2, rel=0.02)


def test_circle_and_triangle_areas():
    for shape, area in (("circle", np.pi / 4), ("triangle", 0.5)):
        v = render([one(shape=shape, size="big")], 64, 64, 1)[0, 0].numpy().astype(float)
        coverage = (v[..., 0] - 16) / (222 - 16)
        assert coverage.sum() == pytest.approx(area * (0.30 * 64) ** 2, rel=0.05), shape


def test_triangle_apex_up():
    v = render([one(shape="triangle", size="big")], 64, 64, 1)[0, 0].numpy()
    m = obj_mask(v, "black")
    rows = m.sum(1)
    filled = np.nonzero(rows)[0]
    assert rows[filled[0]] < rows[filled[-1]], "narrow at the top, wide at the bottom"


@pytest.mark.parametrize("h,w,fps", [(64, 64, 8), (96, 128, 16)])
def test_speed_in_heights_per_second(h, w, fps):
    v = render([one(motion="moves right", x=0.3)], h, w, fps + 1, fps=fps)[0].numpy()
    xs = [np.nonzero(obj_mask(f, "black"))[1].mean() for f in (v[0], v[fps])]
    assert xs[1] - xs[0] == pytest.approx(SPEED * h, rel=0.03)


def test_bounce_reflects_and_stays_inside():
    v = render([one(motion="bounces", x=0.5, y=0.5, bounce_dir=(1, -1))], 64, 64, 160)[0].numpy()
    xs, ys, sx = [], [], []
    for f in v:
        yy, xx = np.nonzero(obj_mask(f, "black"))
        assert xx.min() >= 0 and xx.max() <= 63 and yy.min() >= 0 and yy.max() <= 63
        xs.append(xx.mean()); ys.append(yy.mean())
    dx = np.sign(np.diff(xs))
    assert (dx > 0).any() and (dx < 0).any(), "x velocity reverses at the edges"
    assert min(xs) == pytest.approx(0.22 * 64 / 2, abs=1.5) and max(xs) == pytest.approx(64 - 0.22 * 64 / 2, abs=1.5)


def test_pillar_width_and_in_front():
    s = one(motion="moves right", pillar=True, x=0.5)
    s.pillar_x = 0.5
    v = render([s], 64, 64, 1)[0, 0].numpy()
    pillar_cols = np.nonzero((np.abs(v[0].astype(int) - PILLAR_RGB).sum(-1) == 0))[0]
    assert len(pillar_cols) == pytest.approx(0.16 * 64, abs=1)
    assert tuple(v[32, 32]) == PILLAR_RGB, "drawn in front of the object"


def test_snow_density():
    s = one(bg="black", x=0.1, y=0.1, size="small")
    s.snow = True
    v = render([s], 128, 128, 1)[0, 0].numpy()
    coverage = ((v[..., 2].astype(float) - 16) / (250 - 16)).sum()     # blue channel: object is red
    flakes = 24 * 128 * 128 / 4096
    side = round(128 / 48)
    assert coverage == pytest.approx(flakes * side * side, rel=0.15)   # overlapping flakes cover less


def test_training_sampler_follows_the_grammar_and_excludes_held_out():
    rng = random.Random(0)
    for _ in range(3000):
        s = sample_scene(rng, held_out="exclude")
        assert not is_held_out(s)
        text = s.caption()
        parsed = parse_caption(text)
        assert parsed.caption() == text
        colours = [o.color for o in s.objects]
        assert len(set(colours)) == len(colours)
        assert not (s.background == "white" and "white" in colours)
        if s.has_pillar:
            assert len(s.objects) == 1 and s.objects[0].motion in ("moves left", "moves right")
        if s.snow:
            assert s.background in ("black", "navy")


def test_held_out_sampler_only_gives_held_out():
    rng = random.Random(1)
    assert all(is_held_out(sample_scene(rng, held_out="only")) for _ in range(200))


def test_caption_examples_from_world_md_parse():
    for c in ["a red circle moves left on a black background",
              "a small yellow square bounces on a navy background while snow falls",
              "a big cyan triangle moves right behind a pillar on a white background",
              "a green circle stays still and a magenta square moves down on a gray background"]:
        assert parse_caption(c).caption() == c
    with pytest.raises(ValueError):
        parse_caption("a purple circle moves left on a black background")
