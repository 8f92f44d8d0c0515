"""Loads trained weights into the networks, and the model-package manifest (models/README.md)."""
from __future__ import annotations

import torch

from . import networks as N
from .train import CONFIG, WINDOW_LATENTS, build

FORMAT_VERSION = 1
DEFAULT_STEPS = 10
DEFAULT_GUIDANCE = 4.0
SHIFT = 3.0  # timestep shift for sampling: measured best of {1, 3} x guidance {4, 7} (models/README.md)
# Guidance at noise levels in (0, 0.95]: with 2.6.0's weights generated shape 0.40 / 0.42 at seeds 7
# / 8 against 0.32 / 0.35 with (0.5, 0.95], the earlier packages' interval (it saved 10-15 % of a
# window's time at equal colour and motion for 1.0.0): models/README.md, twenty-fifth session.
GUIDANCE_INTERVAL = [0.0, 0.95]
# The starting noise of windows with given frames is scaled by this (flow.starting_noise): with
# 2.4.0's weights, extension continuity forward / backward 0.19 / 0.12 at 1, 0.46 / 0.42 at 0.4, the
# best of 1 to 0.3 (models/README.md, seventeenth session); text to video does not use it.
CONDITIONED_NOISE_SCALE = 0.4


class Model:
    """The trained default model in eval mode, weights from a run's weights.pt."""

    def __init__(self, weights_path: str):
        w = torch.load(weights_path, map_location="cpu", weights_only=False)
        self.config = w.get("config", CONFIG)
        self.tok, self.enc, self.dec, self.text, self.dit = build(self.config)
        self.enc.load_state_dict(w["enc"]); self.dec.load_state_dict(w["dec"])
        self.text.load_state_dict(w["ema_text"]); self.dit.load_state_dict(w["ema_dit"])
        for m in (self.enc, self.dec, self.text, self.dit):
            m.eval()
        self.space = N.LatentSpace(dict(w, config=self.config))
        self.latent_shift, self.latent_scale, self.whitening = self.space.shift, self.space.scale, self.space.whitening
        self.steps = {"vae_step": w.get("vae_step"), "dit_step": w.get("dit_step")}
        if w.get("dec_step") is not None:        # the decoder trained on alone after the autoencoder phase
            self.steps["dec_step"] = w["dec_step"]
        if w.get("dec_restart_step") is not None:   # ... and on past its schedule, in a warm restart from this step
            self.steps["dec_restart_step"] = w["dec_restart_step"]

    @torch.no_grad()
    def encode_text(self, prompts):
        ids, mask = zip(*[self.tok.encode(p) for p in prompts])
        ids, mask = torch.tensor(ids), torch.tensor(mask)
        return self.text(ids, mask), mask

    @torch.no_grad()
    def velocity(self, x, t, text, mask, uncond_text, uncond_mask, guidance: float | None):
        """Classifier-free guided velocity, conditional and unconditional in one batch; with
        guidance None (a step outside the guidance interval) the conditional velocity alone."""
        b = x.shape[0]
        if guidance is None:
            return self.dit(x, t, text, mask)
        v = self.dit(torch.cat([x, x]), torch.cat([t, t]), torch.cat([text, uncond_text]), torch.cat([mask, uncond_mask]))
        vc, vu = v[:b], v[b:]
        return vu + guidance * (vc - vu)

    @torch.no_grad()
    def encode_video(self, frames01):
        """frames (B, F, H, W, 3) uint8 -> scaled latents."""
        x = frames01.permute(0, 4, 1, 2, 3).float() / 127.5 - 1
        return self.to_latents(self.enc(x)[0])

    def to_latents(self, codes):
        """Encoder codes -> diffusion latents (whitened, or scaled and shifted)."""
        return self.space.to_latents(codes)

    def to_codes(self, latents):
        """Diffusion latents -> the decoder's input."""
        return self.space.to_codes(latents)

    @torch.no_grad()
    def decode_video(self, latents, drop_first: bool = True):
        x = self.dec(self.to_codes(latents))
        if drop_first:
            x = x[:, :, N.TEMPORAL - 1:]
        return ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 4, 1)


def manifest(model: Model, files: dict) -> dict:
    c = model.config
    return {
        "format": "spacetime-model-package",
        "format_version": FORMAT_VERSION,
        "name": "spacetime-world-v1",
        "version": "2.0.0" if c.get("vae") == "frame" else "1.0.0",
        "license": "Apache-2.0",
        "description": "Small latent video diffusion model (" + (
            "per-frame autoencoder codes, 4 frames stacked per latent frame" if c.get("vae") == "frame"
            else "causal video autoencoder") + " + diffusion transformer over spacetime patches) trained from "
                                               "scratch on Spacetime World v1.",
        "training_data": "Procedurally rendered, captioned clips of Spacetime World v1 (shared/world/WORLD.md); "
                         "the three held-out compositions were excluded by construction.",
        "training": {"command": "models/training/train-default-model.sh", **model.steps, "config": c},
        "video": {
            "native_fps": 8,
            "native_size": {"width": 64, "height": 64},
            "allowed_sizes": {"multiple_of": N.SPATIAL * c["patch"], "min": 32, "max": 256,
                              "trained": [[64, 64], [96, 64], [64, 96]]},
            "frames_per_window": 1 + (WINDOW_LATENTS - 1) * N.TEMPORAL,
        },
        "vae": {
            "spatial_factor": N.SPATIAL, "temporal_factor": N.TEMPORAL, "latent_channels": c["latent_channels"],
            # Whitened latents: the whitening is folded into the autoencoder graphs.
            "causal_first_frame": True,
            "scaling_factor": 1.0 if model.whitening is not None else model.latent_scale,
            "shift_factor": 0.0 if model.whitening is not None else model.latent_shift,
            "pixel_range": [-1.0, 1.0],
        },
        "transformer": {"patch_size": [1, c["patch"], c["patch"]], "window_latent_frames": WINDOW_LATENTS,
                        "hidden_size": c["dit_dim"], "depth": c["dit_depth"], "heads": c["dit_heads"]},
        "scheduler": {"type": "flow-matching", "prediction": "velocity", "shift": SHIFT,
                      "default_steps": DEFAULT_STEPS, "default_guidance": DEFAULT_GUIDANCE,
                      "guidance_interval": GUIDANCE_INTERVAL, "conditioned_noise_scale": CONDITIONED_NOISE_SCALE},
        "text": {"tokenizer": "tokenizer.json", "max_tokens": model.tok.max_tokens},
        "files": files,
    }
