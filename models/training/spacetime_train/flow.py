"""Rectified flow: x_t = (1 - t) x_0 + t * noise, velocity v = noise - x_0, t in [0, 1].

Training draws t from a logit-normal(0, 1) (SD3); sampling uses the shifted schedule
sigma' = shift * sigma / (1 + (shift - 1) * sigma) with the manifest's shift. The reference
sampler is plain Euler over the flow, the ground truth the Java samplers are checked against;
`sample` also runs what the elements run by default (DPM-Solver++ 2M, guidance only in the
package's interval), so the evaluation judges the clips users get.
"""
from __future__ import annotations

import math

import torch

SAMPLERS = ("dpm++2m", "euler")     # the elements' `sampler` values, their default first


def shift_noise(t, shift: float):
    """t' = shift * t / (1 + (shift - 1) * t): more time at high noise for shift > 1 (SD3)."""
    return shift * t / (1 + (shift - 1) * t)


def logit_normal(shape, generator=None, device="cpu", shift: float = 1.0, unshifted_share: float = 0.0) -> torch.Tensor:
    """Training noise levels: logit-normal(0, 1), shifted like the sampling schedule when shift > 1.
    Where a clip's layout and motion are decided (noise above about 0.85: 4 of 10 steps of a shift-3
    sampling schedule) the unshifted draw puts 4 % of its samples; shifted by 3, 26 %. But the shift
    starves the low levels where an outline is finished (below 0.33: 24 % unshifted, 3.5 % shifted by 3),
    so `unshifted_share` of the draws keep the unshifted level (models/README.md, twenty-third session)."""
    t = torch.sigmoid(torch.randn(shape, generator=generator, device=device))
    if unshifted_share > 0:
        keep = torch.rand(shape, generator=generator, device=device) < unshifted_share
        return torch.where(keep, t, shift_noise(t, shift))
    return shift_noise(t, shift)


def shifted_sigmas(steps: int, shift: float) -> torch.Tensor:
    """steps + 1 noise levels from 1 to 0."""
    return shift_noise(torch.linspace(1.0, 0.0, steps + 1), shift)


def starting_noise(noise: torch.Tensor, clean_mask: torch.Tensor, conditioned_scale: float) -> torch.Tensor:
    """The noise a window starts from: scaled by `conditioned_scale` in the samples (B) where any
    latent frame is given (extension, connecting, image to video, the windows after a long clip's
    first). A lower temperature there keeps samples nearer the continuation the given frames make
    likely (models/README.md, seventeenth session); windows with nothing given keep their full noise."""
    if conditioned_scale == 1.0:
        return noise
    given = (clean_mask > 0).any(dim=1).to(noise.dtype)[:, None, None, None, None]
    return noise * (1 + (conditioned_scale - 1) * given)


def euler_sample(velocity_fn, noise: torch.Tensor, clean: torch.Tensor, clean_mask: torch.Tensor,
                 steps: int, shift: float) -> torch.Tensor:
    """The reference sampler: Euler from noise (t = 1) to data (t = 0) with `velocity_fn(x, t)` at
    every step (guidance, if any, inside it). Frames where clean_mask (B, T) is 1 are held at the
    given clean latents with timestep 0 (conditioning)."""
    return sample(lambda x, t, guided: velocity_fn(x, t), noise, clean, clean_mask, steps, shift, "euler")


def _lambda(sigma: float) -> float:
    """log(alpha / sigma) with alpha = 1 - sigma; -inf at pure noise."""
    return -math.inf if sigma >= 1 else math.log((1 - sigma) / sigma)


@torch.no_grad()
def sample(velocity_fn, noise: torch.Tensor, clean: torch.Tensor, clean_mask: torch.Tensor, steps: int,
           shift: float, sampler: str = "dpm++2m", guidance_interval=(0.0, 1.0), start: float = 1.0) -> torch.Tensor:
    """From noise (t = 1) to data (t = 0) as the Java runtime does it (VideoPipeline.denoise with
    EulerScheduler or DpmSolverMultistepScheduler): `velocity_fn(x, t, guided)`, where `guided` is
    whether the step's noise level is in the guidance interval (from, to]; frames where clean_mask
    (B, T) is 1 are held at the given clean latents with timestep 0.

    DPM-Solver++ 2M in data prediction (x0 = x - sigma v, lambda = log(alpha / sigma)):
    x' = (sigma' / sigma) x - alpha' (e^-h - 1) D, D = x0 on the first and last steps, else
    (1 + 1 / 2r) x0 - (1 / 2r) x0_prev with r = h_prev / h.

    With `start` < 1, `noise` is a latent already noised to that level (x_start = (1 - start) x_0 +
    start * noise, as SDEdit starts) and the schedule's levels below it are run (the experiments' probes
    of which noise levels decide what)."""
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler {sampler!r}: expected one of {SAMPLERS}")
    sig = shifted_sigmas(steps, shift).tolist()
    if start < 1.0:
        sig = [start] + [s for s in sig if s < start]
    m = clean_mask.to(noise.dtype)[:, None, :, None, None]
    x = noise * (1 - m) + clean * m
    previous_x0, previous_h = None, math.inf
    for s0, s1 in zip(sig, sig[1:]):
        t = s0 * (1 - clean_mask.to(noise.dtype))
        v = velocity_fn(x, t, guidance_interval[0] < s0 <= guidance_interval[1])
        if sampler == "euler":
            x = x + (s1 - s0) * v
        else:
            x0 = x - s0 * v
            if s1 == 0:                  # last step: land on the data prediction
                x, previous_x0 = x0, None
            else:
                h = _lambda(s1) - _lambda(s0)
                expm = (1 - s0) * s1 / (s0 * (1 - s1))     # e^-h without the infinities
                d = x0
                if previous_x0 is not None and math.isfinite(previous_h) and math.isfinite(h):
                    r = previous_h / h
                    d = (1 + 1 / (2 * r)) * x0 - (1 / (2 * r)) * previous_x0
                x = (s1 / s0) * x - (1 - s1) * (expm - 1) * d
                previous_x0, previous_h = x0, h
        x = x * (1 - m) + clean * m
    return x
