"""The samplers of flow.py: what the elements run (DPM-Solver++ 2M, guidance in an interval) and
the reference Euler sampler, checked on flows whose exact solution is known."""
import math

import pytest
import torch

from spacetime_train.flow import euler_sample, sample, shifted_sigmas

SHAPE = (2, 3, 4, 2, 2)        # (B, C, T, h, w), as the denoiser's latents


def gaussian_velocity(spread: float):
    """The exact velocity E[noise - x0 | x_t] when the data are N(0, spread^2): linear in x. Its flow
    carries noise n to spread * n (x_t = n * sqrt((1 - t)^2 spread^2 + t^2))."""
    def v(x, t, guided=True):
        t = t[:, None, :, None, None]
        return x * (t - (1 - t) * spread ** 2) / ((1 - t) ** 2 * spread ** 2 + t ** 2)
    return v


def no_frames_given():
    return torch.zeros(SHAPE), torch.zeros(SHAPE[0], SHAPE[2])


@pytest.mark.parametrize("sampler", ["dpm++2m", "euler"])
def test_a_point_of_data_is_reached_from_any_noise(sampler):
    # Data all at c: the velocity (x - c) / t points straight at it, so every step stays on the
    # exact path (1 - t) c + t n and the last lands on c.
    c, noise = torch.randn(SHAPE), torch.randn(SHAPE)
    v = lambda x, t, guided: (x - c) / t[:, None, :, None, None]
    out = sample(v, noise, *no_frames_given(), steps=7, shift=3.0, sampler=sampler)
    assert torch.allclose(out, c, atol=1e-5)


@pytest.mark.parametrize("sampler", ["dpm++2m", "euler"])
def test_sampling_from_a_noise_level_runs_the_levels_below_it(sampler):
    # SDEdit (the experiments' noise-level probe): a latent already noised to 0.4 is taken down the
    # schedule's levels below 0.4 only, and the straight velocity lands it on the data.
    c, noise = torch.randn(SHAPE), torch.randn(SHAPE)
    levels = []

    def v(x, t, guided):
        levels.append(float(t.max()))
        return (x - c) / t[:, None, :, None, None]
    out = sample(v, 0.6 * c + 0.4 * noise, *no_frames_given(), steps=10, shift=3.0, sampler=sampler, start=0.4)
    assert torch.allclose(out, c, atol=1e-5)
    assert levels == pytest.approx([0.4] + [s for s in shifted_sigmas(10, 3.0).tolist() if 0 < s < 0.4])


def test_dpm_solver_is_second_order_where_euler_is_first():
    # Halving the step size divides DPM-Solver++ 2M's error by about 4 and Euler's by 2 (data
    # N(0, 0.5^2), the package's shift 3).
    noise = torch.randn(SHAPE, generator=torch.Generator().manual_seed(0))

    def error(sampler, steps):
        out = sample(gaussian_velocity(0.5), noise, *no_frames_given(), steps=steps, shift=3.0, sampler=sampler)
        return ((out - 0.5 * noise).abs().max() / noise.abs().max()).item()
    dpm, euler = [error("dpm++2m", 20), error("dpm++2m", 40)], [error("euler", 20), error("euler", 40)]
    assert dpm[0] / dpm[1] > 3 and euler[0] / euler[1] < 2.5, (dpm, euler)
    assert dpm[1] < 0.01 and dpm[1] < euler[1] / 4, (dpm, euler)


def test_euler_through_sample_is_the_reference_sampler():
    noise = torch.randn(SHAPE)
    clean, mask = torch.randn(SHAPE), torch.tensor([[1.0, 0, 0, 0], [0, 0, 0, 1.0]])
    v = gaussian_velocity(0.7)
    a = sample(v, noise, clean, mask, steps=10, shift=3.0, sampler="euler")
    b = euler_sample(lambda x, t: v(x, t), noise, clean, mask, steps=10, shift=3.0)
    assert torch.equal(a, b)


@pytest.mark.parametrize("sampler", ["dpm++2m", "euler"])
def test_given_frames_stay_clean_and_are_shown_at_timestep_0(sampler):
    clean, mask = torch.randn(SHAPE), torch.tensor([[1.0, 1, 0, 0], [0, 0, 0, 1.0]])
    seen = []

    def v(x, t, guided):
        seen.append(t.clone())
        return gaussian_velocity(0.7)(x, t)
    out = sample(v, torch.randn(SHAPE), clean, mask, steps=5, shift=3.0, sampler=sampler)
    given = mask.bool()[:, None, :, None, None].expand(SHAPE)
    assert torch.equal(out[given], clean[given])
    assert all(torch.equal(t[mask.bool()], torch.zeros(3)) for t in seen)


def test_guidance_runs_only_at_noise_levels_in_the_interval():
    # The interval (0.5, 0.95] of the packages up to 2.5.0 over 10 shift-3 steps: the first two (sigma
    # 1, 0.964) and the last two (0.429, 0.25) run the conditional model alone (models/README.md);
    # 2.6.0's (0, 0.95] guides the last two too.
    guided = []

    def v(x, t, g):
        guided.append(g)
        return torch.zeros_like(x)
    sample(v, torch.randn(SHAPE), *no_frames_given(), steps=10, shift=3.0, guidance_interval=(0.5, 0.95))
    sigmas = shifted_sigmas(10, 3.0)[:-1].tolist()
    assert guided == [0.5 < s <= 0.95 for s in sigmas]
    assert guided == [False, False] + [True] * 6 + [False, False]
    assert not math.isclose(sigmas[1], 0.95)


def test_an_unknown_sampler_is_refused():
    with pytest.raises(ValueError, match="euler"):
        sample(lambda x, t, g: x, torch.randn(SHAPE), *no_frames_given(), steps=2, shift=1.0, sampler="ddim")
