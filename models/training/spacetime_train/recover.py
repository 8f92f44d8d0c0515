"""Recovers a run's weights.pt from an exported model package, so a package can be exported again
when the graph code changes (a faster graph of the same networks) without training again.

    python3 -m spacetime_train.recover --package ../spacetime-world-v1 --out runs/recovered/weights.pt

How: the networks are built fresh and every parameter is filled with its own range of indices
(value i of a parameter that starts at offset k is k + i, exact in float32 below 2^24). Exporting
those "marked" networks with this code gives graphs whose initializers are the parameters after
whatever the exporter did to them (transposed for MatMul, unsqueezed for GroupNorm). Each marked
initializer, read as indices, says where the package's initializer of the same name goes.
This needs the graph code the package was exported with: an initializer that is not a
rearrangement of one parameter, or a name the package lacks, is an error, not a guess.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from types import SimpleNamespace

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from . import networks as N
from .export import export_graphs, graph_specs
from .train import CONFIG_V1, build

ROLES = {"text_encoder": "text", "denoiser": "dit", "vae_encoder": "enc", "vae_decoder": "dec"}


def _offsets(module: torch.nn.Module) -> dict:
    """name -> (offset, shape) of every float parameter and buffer, laid end to end in state_dict order."""
    offsets, offset = {}, 0
    for name, tensor in module.state_dict().items():
        if tensor.is_floating_point():
            offsets[name] = (offset, tuple(tensor.shape))
            offset += tensor.numel()
    if offset >= 2 ** 24:
        raise ValueError(f"{offset} values: too many to mark exactly in float32")
    return offsets


def _mark(module: torch.nn.Module) -> None:
    """Fills every float parameter and buffer with its own index range (see _offsets)."""
    state = module.state_dict()
    with torch.no_grad():
        for name, (offset, shape) in _offsets(module).items():
            state[name].copy_(torch.arange(offset, offset + int(np.prod(shape)), dtype=torch.float32).reshape(shape))


def _initializers(path: str) -> dict:
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def recover_module(module: torch.nn.Module, marked_graph: str, package_graph: str) -> None:
    """Loads the package graph's weights into module; marked_graph is the same code's export of
    a marked copy of module."""
    marks = _offsets(module)
    real = _initializers(package_graph)
    filled = {name: np.full(int(np.prod(shape)), np.nan, dtype=np.float32) for name, (_, shape) in marks.items()}
    for name, marked in _initializers(marked_graph).items():
        if marked.dtype != np.float32:
            continue
        if name not in real or real[name].shape != marked.shape:
            raise ValueError(f"{package_graph}: initializer {name!r} of the exported graph code is missing or "
                             f"has another shape; was the package exported by this revision of networks.py?")
        idx = marked.astype(np.int64).ravel()
        owner = _owner(marks, int(idx.min()))
        offset, shape = marks[owner]
        local = idx - offset
        if local.max() >= np.prod(shape) or not np.array_equal(marked.ravel(), idx.astype(np.float32)):
            raise ValueError(f"{package_graph}: initializer {name!r} is not a rearrangement of one parameter")
        filled[owner][local] = real[name].ravel()
    state = module.state_dict()
    for name, values in filled.items():
        if np.isnan(values).any():
            raise ValueError(f"{package_graph}: parameter {name!r} is not (wholly) in the graph")
        state[name] = torch.from_numpy(values.reshape(marks[name][1]))
    module.load_state_dict(state)


def _owner(marks: dict, index: int) -> str:
    for name, (offset, shape) in marks.items():
        if offset <= index < offset + np.prod(shape):
            return name
    raise ValueError(f"index {index} belongs to no parameter")


def recover(package: str) -> dict:
    """The weights.pt dictionary of the package's networks."""
    manifest = json.load(open(os.path.join(package, "model.json")))
    tr = manifest["transformer"]
    # Packages record their training config; the first one (1.0.0) did not: its autoencoder is v1's.
    config = manifest["training"].get("config") or dict(
        CONFIG_V1, latent_channels=manifest["vae"]["latent_channels"], dit_dim=tr["hidden_size"],
        dit_depth=tr["depth"], dit_heads=tr["heads"], patch=tr["patch_size"][1])
    whitened = config.get("latent_space") == "whitened"
    tok, enc, dec, text, dit = build(config, max_tokens=manifest["text"]["max_tokens"])
    _, m_enc, m_dec, m_text, m_dit = build(config, max_tokens=manifest["text"]["max_tokens"])
    white = m_white = None
    if whitened:   # folded into both autoencoder graphs: recovered with each (the same values)
        white, m_white = (N.LatentWhitening(config["latent_channels"] // N.TEMPORAL) for _ in range(2))
    graph_nets = lambda e, d, t, w, ww: {"enc": torch.nn.ModuleDict({"enc": e, "whitening": w}) if whitened else e,
                                         "dec": torch.nn.ModuleDict({"dec": d, "whitening": w}) if whitened else d,
                                         "text": t, "dit": ww}
    nets = graph_nets(enc, dec, text, white, dit)
    marked_nets = graph_nets(m_enc, m_dec, m_text, m_white, m_dit)
    for m in list(nets.values()) + list(marked_nets.values()):
        m.eval()
    with tempfile.TemporaryDirectory() as tmp:
        for role, key in ROLES.items():
            _mark(marked_nets[key])   # per graph: the whitening is marked anew for each autoencoder graph
            export_graphs(SimpleNamespace(config=config, tok=tok, enc=m_enc, dec=m_dec, text=m_text, dit=m_dit,
                                          whitening=m_white), tmp, roles=[role])
            f = graph_specs(config)[role]["file"]
            recover_module(nets[key], os.path.join(tmp, f), os.path.join(package, manifest["files"][role]["file"]))
    weights = {"config": config, "enc": enc.state_dict(), "dec": dec.state_dict(), "ema_text": text.state_dict(),
               "ema_dit": dit.state_dict(), "latent_shift": manifest["vae"]["shift_factor"],
               "latent_scale": manifest["vae"]["scaling_factor"], "vae_step": manifest["training"].get("vae_step"),
               "dit_step": manifest["training"].get("dit_step"), "recovered_from": os.path.abspath(package)}
    if whitened:
        weights["latent_whitening"] = white.state_dict()
    return weights


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", required=True, help="model package directory")
    ap.add_argument("--out", required=True, help="weights.pt to write")
    args = ap.parse_args(argv)
    weights = recover(args.package)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(weights, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
