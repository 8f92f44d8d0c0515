"""Rectified flow: x_t = (1 - t) x_0 + t * noise, velocity v = noise - x_0, t in [0, 1].

Training draws t from a logit-normal(0, 1) (SD3); sampling uses the shifted schedule
sigma' = shift * sigma / (1 + (shift - 1) * sigma) with the manifest's shift. The reference
sampler is plain Euler over the flow, the ground truth the Java samplers are checked against.
"""
from __future__ import annotations

import torch


def logit_normal(shape, generator=None, device="cpu") -> torch.Tensor:
    return torch.sigmoid(torch.randn(shape, generator=generator, device=device))


def shifted_sigmas(steps: int, shift: float) -> torch.Tensor:
    """steps + 1 noise levels from 1 to 0."""
    s = torch.linspace(1.0, 0.0, steps + 1)
    return shift * s / (1 + (shift - 1) * s)


@torch.no_grad()
def euler_sample(velocity_fn, noise: torch.Tensor, clean: torch.Tensor, clean_mask: torch.Tensor,
                 steps: int, shift: float) -> torch.Tensor:
    """Euler integration from noise (t = 1) to data (t = 0). Frames where clean_mask (B, T) is 1
    are held at the given clean latents with timestep 0 (conditioning)."""
    sig = shifted_sigmas(steps, shift)
    m = clean_mask.to(noise.dtype)[:, None, :, None, None]
    x = noise * (1 - m) + clean * m
    for i in range(steps):
        t = sig[i].item() * (1 - clean_mask.to(noise.dtype))
        v = velocity_fn(x, t)
        x = x + (sig[i + 1] - sig[i]).item() * v
        x = x * (1 - m) + clean * m
    return x
