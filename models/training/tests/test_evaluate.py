"""The evaluation's checks are fair: the rendered truth passes every one of them."""
import os
import random

import numpy as np
import pytest
import torch

from spacetime_train import evaluate as E
from spacetime_train.judge import pillar_columns, pillar_outcome, smooth_steps, through_pillar, track
from spacetime_train.world import BACKGROUNDS, OBJECT_COLORS, PILLAR_RGB, render

PACKAGE = os.path.join(os.path.dirname(__file__), "..", "..", "spacetime-world-v1")


def test_truth_moves_smoothly_and_a_frozen_copy_does_not():
    scenes = E.single_object_scenes(random.Random(3), 12, "exclude", lambda s: s.objects[0].motion != "stays still")
    videos = render(scenes, 64, 64, E.FRAMES).numpy()
    good = judged = 0
    frozen_good = frozen_judged = 0
    for s, v in zip(scenes, videos):
        g, j = smooth_steps(track(v, s), s.objects[0].motion, 64, 64)
        good, judged = good + g, judged + j
        frozen = v.copy()
        for k in range(1, E.FRAMES, 4):              # what autoencoder v1 did: a group shows one frame
            frozen[k:k + 4] = v[min(k + 2, E.FRAMES - 1)]
        g, j = smooth_steps(track(frozen, s), s.objects[0].motion, 64, 64)
        frozen_good, frozen_judged = frozen_good + g, frozen_judged + j
    assert judged > 100 and good / judged >= 0.97
    assert frozen_good / frozen_judged < 0.5


def test_truth_comes_out_of_the_pillar_and_a_recoloured_copy_does_not():
    for s in E.fair_pillar_scenes(random.Random(5), 6):
        v = render([s], 64, 64, E.FRAMES)[0].numpy()
        assert through_pillar(v, s) is True
        colour = np.array(OBJECT_COLORS[s.objects[0].color], dtype=float)
        other = OBJECT_COLORS["cyan" if s.objects[0].color != "cyan" else "red"]
        x0, x1 = pillar_columns(v)
        boxes = track(v, s).boxes
        behind = next(i for i in range(E.FRAMES) if boxes[i, 2] >= x0 and boxes[i, 0] <= x1)   # touches the pillar
        changed = v.copy()
        own = np.linalg.norm(v[behind:].astype(float) - colour, axis=-1) < 40    # the object's pixels
        changed[behind:][own] = other                                             # it comes out another colour
        assert through_pillar(changed, s) is not True
        assert pillar_outcome(changed, s) == "colour changed"
        assert pillar_outcome(v, s) == "kept"
        hidden = v.copy()                                                         # it is only seen once past the pillar
        bg = np.array(BACKGROUNDS[s.background])
        early = v[:behind]
        own = (early != bg).any(axis=-1) & (early != np.array(PILLAR_RGB)).any(axis=-1)   # object and its edges
        hidden[:behind][own] = bg
        assert pillar_outcome(hidden, s) == "never whole on the side it starts from"
        assert through_pillar(hidden, s) is None


def test_continuity_scenes_are_fair_forward_and_backward():
    for direction in ("forward", "backward"):
        scenes = E.fair_continuity_scenes(random.Random(11), 8, direction)
        truth = render(scenes, 64, 64, E.FRAMES).numpy()
        k = 17
        frames = slice(k, k + 8) if direction == "forward" else slice(k - 8, k)
        assert all(E._continues(s, t, t, frames, frames) for s, t in zip(scenes, truth))
        # a clip that stops at the boundary does not continue it
        still = truth.copy()
        if direction == "forward":
            still[:, k:] = truth[:, k - 1:k]
        else:
            still[:, :k] = truth[:, k:k + 1]
        assert not any(E._continues(s, v, t, frames, frames) for s, v, t in zip(scenes, still, truth))


def test_group_steps_tell_a_jump_between_groups_from_smooth_motion():
    scenes = E.single_object_scenes(random.Random(4), 8, "exclude",
                                    lambda s: s.objects[0].motion not in ("stays still", "bounces"))
    truth = render(scenes, 64, 64, E.FRAMES).numpy()
    steps = E.group_steps(truth, scenes)
    assert abs(steps["inside_group"] - steps["across_groups"]) < 0.2 * steps["inside_group"]
    # each group shifted by its own offset, as generated clips do: the steps inside stay, those across jump
    jumped = truth.copy()
    rng = np.random.default_rng(0)
    for k in range(1, E.FRAMES, 4):
        jumped[:, k:k + 4] = np.roll(truth[:, k:k + 4], int(rng.integers(-12, 13)), axis=2)
    j = E.group_steps(jumped, scenes)
    assert abs(j["inside_group"] - steps["inside_group"]) < 0.5 and j["across_groups"] > 2 * steps["across_groups"]


def test_a_swapped_caption_changes_only_the_asked_attribute():
    from spacetime_train.conditioning import swapped
    rng = random.Random(2)
    for s in E.single_object_scenes(random.Random(9), 20, "exclude"):
        o = s.objects[0]
        for kind, field in (("motion", "motion"), ("shape", "shape"), ("colour", "color")):
            t = swapped(s, kind, rng)
            changed = [f for f in ("color", "shape", "size", "motion") if getattr(t.objects[0], f) != getattr(o, f)]
            assert changed == [field] and t.background == s.background
            assert t.objects[0].color != t.background


def _frame_model(tmp_path, whitened: bool):
    """A Model over fresh networks of the default config (random weights), scalar or whitened latents."""
    from spacetime_train import networks as N
    from spacetime_train.package import Model
    from spacetime_train.train import CONFIG, build
    torch.manual_seed(0)
    _, enc, dec, text, dit = build(CONFIG)
    torch.nn.init.normal_(dit.proj_out.weight, std=0.05)
    w = {"config": dict(CONFIG), "enc": enc.state_dict(), "dec": dec.state_dict(), "ema_text": text.state_dict(),
         "ema_dit": dit.state_dict(), "latent_shift": 0.02, "latent_scale": 0.9}
    if whitened:
        white = N.LatentWhitening(CONFIG["latent_channels"] // N.TEMPORAL)
        white.fit(torch.randn(4, CONFIG["latent_channels"], 5, 8, 8))
        w["latent_whitening"] = white.state_dict()
    torch.save(w, tmp_path / "w.pt")
    return Model(str(tmp_path / "w.pt"))


@pytest.mark.parametrize("whitened", [False, True])
def test_frequency_errors_measure_the_estimate_on_the_codes(tmp_path, whitened):
    """Nearly clean input gives back nearly the clips' own codes whatever the denoiser (the estimate
    is x_t - t v): the errors then measure the plumbing (latents <-> codes, the DCT), not the model."""
    from spacetime_train.conditioning import frequency_errors
    model = _frame_model(tmp_path, whitened)
    errors = frequency_errors(model, 4, 1, levels=(0.001, 0.9))
    assert len(errors[0.9]) == 4 and all(e < 1e-4 for e in errors[0.001]), errors
    assert sum(errors[0.9]) > 100 * sum(errors[0.001])


def test_the_shipped_denoiser_uses_the_frames_around_a_latent(tmp_path):
    from spacetime_train.conditioning import context_use, frequency_errors
    from spacetime_train.package import Model
    from spacetime_train.recover import recover
    torch.save(recover(PACKAGE), tmp_path / "shipped.pt")
    model = Model(str(tmp_path / "shipped.pt"))
    use = context_use(model, 8, 5, levels=(0.9,))[0.9]
    assert use["clean"] < 0.8 * use["noised"] < use["another"], use
    # 2.0.0's per-frame autoencoder has a code per frame, so the estimate's error is measured per
    # temporal frequency of a latent group's 4 codes (1.0.0's had one code per group: None).
    errors = frequency_errors(model, 2, 1)
    assert all(len(e) == 4 for e in errors.values()) and sum(errors[0.9]) > 5 * sum(errors[0.3]), errors


def test_estimate_coherence_on_nearly_clean_input_is_the_autoencoder_s(tmp_path):
    """Nearly clean input: the estimate is the clip's own latents whatever the denoiser, so its
    decoded steps are the autoencoder's reconstruction's (2.0.0's: the renders' steps inside and
    across latent groups; 1.0.0's froze inside a group and jumped across), which tracks the centres
    to within a pixel or two of the renders."""
    from spacetime_train.conditioning import estimate_coherence
    from spacetime_train.package import Model
    from spacetime_train.recover import recover
    torch.save(recover(PACKAGE), tmp_path / "shipped.pt")
    model = Model(str(tmp_path / "shipped.pt"))
    r = estimate_coherence(model, 6, 2, levels=(1e-4, 0.95))
    assert r["truth"]["inside_group"] > 1.5 and r["truth"]["across_groups"] > 1.5, r
    for where in ("inside_group", "across_groups"):
        assert abs(r[1e-4][where] - r["truth"][where]) < 0.2 * r["truth"][where], r
    assert r[1e-4]["error"] < 4 < r[0.95]["error"], r


def test_extension_placement_on_nearly_clean_input_tracks_the_renders(tmp_path):
    """Nearly clean input: the estimate is the clip's own latents, so the generated frames' centres
    are the autoencoder's, near the renders, whatever the context; at noise 0.95 with another clip's
    frames given the estimate is far off."""
    from spacetime_train.conditioning import extension_placement
    from spacetime_train.package import Model
    from spacetime_train.recover import recover
    torch.save(recover(PACKAGE), tmp_path / "shipped.pt")
    r = extension_placement(Model(str(tmp_path / "shipped.pt")), 6, 2, levels=(1e-4, 0.95))
    assert max(r[1e-4].values()) < 4 < r[0.95]["another"], r


def test_starting_noise_is_scaled_only_in_windows_with_given_frames():
    from spacetime_train.flow import starting_noise
    noise = torch.randn(3, 4, 5, 2, 2)
    mask = torch.tensor([[0, 0, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 0, 0, 1]], dtype=torch.float32)
    out = starting_noise(noise, mask, 0.8)
    assert torch.equal(out[0], noise[0]), "text to video keeps its full noise"
    assert torch.allclose(out[1:], 0.8 * noise[1:]), "extension forward and backward start cooler"
    assert starting_noise(noise, mask, 1.0) is noise


def test_guidance_interval_option_takes_the_manifests_form_and_refuses_others():
    import argparse
    from spacetime_train.evaluate import interval
    assert interval("0.5,0.95") == (0.5, 0.95)
    assert interval("0,1") == (0.0, 1.0)
    for bad in ("0.95,0.5", "0.5", "a,b", "-0.1,1", "0,1.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            interval(bad)


def test_drift_keeps_the_rendered_truth_of_every_drift_scene_and_sees_a_recoloured_or_shrunk_end():
    from spacetime_train.evaluate import DRIFT_SCENES, judge_drift
    from spacetime_train.world import Scene, WorldObject, is_held_out, render
    for obj, background in DRIFT_SCENES:
        s = Scene(objects=[WorldObject(obj.color, obj.shape, obj.size, obj.motion)], background=background)
        assert not is_held_out(s), s.caption()
        video = render([s], 64, 64, 481)[0].numpy()                 # 60 s at 8 fps
        assert judge_drift(s, video) == {"colour_kept": True, "size_kept": True,
                                         "area_end_vs_start": pytest.approx(1.0, abs=0.1)}, s.caption()
        other = "orange" if obj.color != "orange" else "cyan"
        late = Scene(objects=[WorldObject(other, obj.shape, obj.size, obj.motion)], background=background)
        recoloured = np.concatenate([video[:-32], render([late], 64, 64, 481)[0].numpy()[-32:]])
        assert not judge_drift(s, recoloured)["colour_kept"], s.caption()
        small = "small" if obj.size != "small" else "big"
        late = Scene(objects=[WorldObject(obj.color, obj.shape, small, obj.motion)], background=background)
        resized = np.concatenate([video[:-32], render([late], 64, 64, 481)[0].numpy()[-32:]])
        assert not judge_drift(s, resized)["size_kept"], s.caption()
