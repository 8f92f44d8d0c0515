"""Exports a trained run to a model package: four ONNX graphs (opset 17), tokenizer.json, model.json,
and golden fixtures for the Java runtime's tests.

    python3 -m spacetime_train.export --weights runs/default/weights.pt --out ../spacetime-world-v1
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np
import onnx
import torch

from . import networks as N
from .flow import sample, starting_noise
from .package import CONDITIONED_NOISE_SCALE, DEFAULT_GUIDANCE, DEFAULT_STEPS, GUIDANCE_INTERVAL, SHIFT, Model, manifest
from .world import Scene, WorldObject, render

OPSET = 17


class _Decoder(torch.nn.Module):
    """The decoder graph; a run's latent whitening is folded in (the manifest then scales by 1)."""

    def __init__(self, dec, whitening=None):
        super().__init__()
        self.dec, self.whitening = dec, whitening

    def forward(self, latents):
        return self.dec(latents if self.whitening is None else self.whitening.inverse(latents))


class _Encoder(torch.nn.Module):
    """The encoder graph: the code's mean, whitened where the run whitens its latents."""

    def __init__(self, enc, whitening=None):
        super().__init__()
        self.enc, self.whitening = enc, whitening

    def forward(self, frames):
        codes = self.enc(frames)[0]
        return codes if self.whitening is None else self.whitening(codes)


def io_spec(name, dtype, shape):
    return {"name": name, "dtype": dtype, "shape": shape}


def graph_specs(c) -> dict:
    """Role -> file, inputs and outputs; symbolic dimensions are strings."""
    C, D = c["latent_channels"], c["dit_dim"]
    return {
        "text_encoder": {"file": "text_encoder.onnx",
                         "inputs": [io_spec("input_ids", "int64", ["batch", "tokens"]),
                                    io_spec("attention_mask", "int64", ["batch", "tokens"])],
                         "outputs": [io_spec("text_embeddings", "float32", ["batch", "tokens", D])]},
        "denoiser": {"file": "denoiser.onnx",
                     "inputs": [io_spec("latents", "float32", ["batch", C, "latent_frames", "latent_height", "latent_width"]),
                                io_spec("timesteps", "float32", ["batch", "latent_frames"]),
                                io_spec("text_embeddings", "float32", ["batch", "tokens", D]),
                                io_spec("text_mask", "int64", ["batch", "tokens"])],
                     "outputs": [io_spec("velocity", "float32", ["batch", C, "latent_frames", "latent_height", "latent_width"])]},
        "vae_encoder": {"file": "vae_encoder.onnx",
                        "inputs": [io_spec("frames", "float32", ["batch", 3, "frames", "height", "width"])],
                        "outputs": [io_spec("latents", "float32", ["batch", C, "latent_frames", "latent_height", "latent_width"])]},
        "vae_decoder": {"file": "vae_decoder.onnx",
                        "inputs": [io_spec("latents", "float32", ["batch", C, "latent_frames", "latent_height", "latent_width"])],
                        "outputs": [io_spec("frames", "float32", ["batch", 3, "decoded_frames", "height", "width"])]},
    }


def _dynamic_axes(spec):
    axes = {}
    for io in spec["inputs"] + spec["outputs"]:
        axes[io["name"]] = {i: d for i, d in enumerate(io["shape"]) if isinstance(d, str)}
    return axes


def graph_examples(model) -> dict:
    """Role -> (module, example inputs) that torch.onnx.export traces."""
    C = model.config["latent_channels"]
    whitening = getattr(model, "whitening", None)
    ids, mask = (torch.tensor(v) for v in zip(*[model.tok.encode("a red circle moves left on a black background")]))
    with torch.no_grad():
        text = model.text(ids, mask)
    return {
        "text_encoder": (model.text, (ids, mask)),
        "denoiser": (model.dit, (torch.randn(1, C, 3, 8, 8), torch.rand(1, 3), text, mask)),
        "vae_encoder": (_Encoder(model.enc, whitening), (torch.rand(1, 3, 5, 64, 64) * 2 - 1,)),
        "vae_decoder": (_Decoder(model.dec, whitening), (torch.randn(1, C, 2, 8, 8),)),
    }


def export_graphs(model, out: str, roles=None) -> dict:
    """Writes the graphs of `roles` (default: all four) into out; role -> its manifest entry."""
    specs = graph_specs(model.config)
    for role, (module, args) in graph_examples(model).items():
        if roles is not None and role not in roles:
            continue
        spec = specs[role]
        path = os.path.join(out, spec["file"])
        torch.onnx.export(module, args, path, opset_version=OPSET, do_constant_folding=True,
                          input_names=[i["name"] for i in spec["inputs"]],
                          output_names=[o["name"] for o in spec["outputs"]],
                          dynamic_axes=_dynamic_axes(spec))
        onnx.checker.check_model(onnx.load(path))
        spec["sha256"] = _sha256(path)
    return specs


def _sha256(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_fixtures(model: Model, out: str) -> None:
    """Golden cases for the Java runtime: inputs, noise and PyTorch's output, with the reference
    Euler sampler (guidance at every step) and with the elements' default, DPM-Solver++ 2M with
    guidance in the package's interval (flow.sample); case 4 continues a rendered clip (its first 5
    latent frames given, and the cooler start of windows with given frames)."""
    os.makedirs(out, exist_ok=True)
    cases = []
    euler, default = ("euler", [0.0, 1.0], 4), ("dpm++2m", GUIDANCE_INTERVAL, DEFAULT_STEPS)
    extended = Scene(objects=[WorldObject("yellow", "square", "medium", "moves right")], background="navy")
    for seed, prompt, frames, size, (sampler, interval, steps), given in [
            (1, "a red circle moves right on a black background", 9, (64, 64), euler, 0),
            (2, "a big blue square moves down on a white background", 5, (64, 96), euler, 0),
            (3, "a small green triangle moves left on a gray background", 9, (64, 64), default, 0),
            (4, extended.caption(), 33, (64, 64), default, 5)]:
        g = torch.Generator().manual_seed(seed)
        t_lat = 1 + (frames - 1) // N.TEMPORAL
        h, w = size
        noise = torch.randn(1, model.config["latent_channels"], t_lat, h // N.SPATIAL, w // N.SPATIAL, generator=g)
        text, mask = model.encode_text([prompt])
        utext, umask = model.encode_text([""])
        guidance, shift = DEFAULT_GUIDANCE, SHIFT
        fn = lambda x, t, guided: model.velocity(x, t, text, mask, utext, umask, guidance if guided else None)
        clean_mask = torch.zeros(1, t_lat)
        clean_mask[:, :given] = 1
        clean = torch.zeros_like(noise)
        if given:
            clean = model.encode_video(render([extended], h, w, frames)) * clean_mask[:, None, :, None, None]
        lat = sample(fn, starting_noise(noise, clean_mask, CONDITIONED_NOISE_SCALE), clean, clean_mask, steps, shift,
                     sampler, tuple(interval))
        video = model.decode_video(lat)
        name = f"case{seed}"
        noise.numpy().astype("<f4").tofile(os.path.join(out, name + ".noise.f32"))
        lat.numpy().astype("<f4").tofile(os.path.join(out, name + ".latents.f32"))
        video.numpy().tofile(os.path.join(out, name + ".frames.u8"))
        case = {"name": name, "prompt": prompt, "negative_prompt": "", "seed": seed, "frames": frames,
                "width": w, "height": h, "steps": steps, "guidance": guidance, "shift": shift,
                "sampler": sampler, "guidance_interval": list(interval), "noise_shape": list(noise.shape),
                "latents_shape": list(lat.shape), "frames_shape": list(video.shape)}
        if given:
            clean.numpy().astype("<f4").tofile(os.path.join(out, name + ".clean.f32"))
            case.update({"given_latent_frames": given, "conditioned_noise_scale": CONDITIONED_NOISE_SCALE})
        cases.append(case)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"about": "PyTorch's samplers (spacetime_train.flow.sample: the reference Euler, and DPM-Solver++ 2M "
                            "with guidance in an interval, the elements' default); little-endian float32 noise and "
                            "latents, uint8 frames (B, F, H, W, RGB). A case with given_latent_frames k holds the "
                            "first k latent frames clean (NAME.clean.f32, the encoded render, zeros after them) and "
                            "starts from its noise scaled by conditioned_noise_scale.",
                   "cases": cases}, f, indent=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--out", required=True, help="package directory to write")
    ap.add_argument("--fixtures", help="directory for golden fixtures")
    ap.add_argument("--version", help="the package's version in its manifest (default: the model design's, "
                                      "package.manifest)")
    ap.add_argument("--training-command", help="the commands that trained these weights, for the manifest's "
                                               "training.command (default: models/training/train-default-model.sh)")
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    model = Model(args.weights)
    os.makedirs(args.out, exist_ok=True)
    specs = export_graphs(model, args.out)
    model.tok.save(os.path.join(args.out, "tokenizer.json"))
    m = manifest(model, specs)
    if args.version:
        m["version"] = args.version
    if args.training_command:
        m["training"]["command"] = args.training_command
    m["text"]["tokenizer_sha256"] = _sha256(os.path.join(args.out, "tokenizer.json"))
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(m, f, indent=1)
    if args.fixtures:
        write_fixtures(model, args.fixtures)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
