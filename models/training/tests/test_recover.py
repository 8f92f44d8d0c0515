"""Weights recovered from the shipped package reproduce the golden fixtures, which PyTorch made from
the trained weights: the recovery (and the package's graphs) lose nothing."""
import json
import os

import numpy as np
import torch

from spacetime_train.flow import sample, starting_noise
from spacetime_train.package import Model
from spacetime_train.recover import recover

HERE = os.path.dirname(__file__)
PACKAGE = os.path.join(HERE, "..", "..", "spacetime-world-v1")
FIXTURES = os.path.join(HERE, "..", "..", "runtime-fixtures")


def test_recovered_weights_reproduce_the_golden_fixtures(tmp_path):
    torch.save(recover(PACKAGE), tmp_path / "weights.pt")
    model = Model(str(tmp_path / "weights.pt"))
    for case in json.load(open(os.path.join(FIXTURES, "cases.json")))["cases"]:
        load = lambda suffix: np.fromfile(os.path.join(FIXTURES, case["name"] + suffix), dtype="<f4")
        noise = torch.from_numpy(load(".noise.f32").reshape(case["noise_shape"]))
        text, mask = model.encode_text([case["prompt"]])
        utext, umask = model.encode_text([case["negative_prompt"]])
        fn = lambda x, t, guided: model.velocity(x, t, text, mask, utext, umask, case["guidance"] if guided else None)
        given = case.get("given_latent_frames", 0)
        clean_mask = torch.zeros(1, noise.shape[2])
        clean_mask[:, :given] = 1
        clean = torch.from_numpy(load(".clean.f32").reshape(case["noise_shape"])) if given else torch.zeros_like(noise)
        latents = sample(fn, starting_noise(noise, clean_mask, case.get("conditioned_noise_scale", 1.0)), clean,
                         clean_mask, case["steps"], case["shift"], case["sampler"],
                         tuple(case.get("guidance_interval", (0.0, 1.0))))
        expected = load(".latents.f32").reshape(case["latents_shape"])
        assert np.abs(latents.numpy() - expected).max() < 1e-4, case["name"]
        frames = model.decode_video(latents).numpy()
        golden = np.fromfile(os.path.join(FIXTURES, case["name"] + ".frames.u8"), dtype=np.uint8)
        assert np.abs(frames.astype(int).ravel() - golden.astype(int)).max() <= 1, case["name"]


def test_a_package_from_other_graph_code_is_refused(tmp_path):
    import shutil
    import onnx
    pkg = tmp_path / "pkg"
    shutil.copytree(PACKAGE, pkg, ignore=shutil.ignore_patterns("eval"))
    graph = onnx.load(str(pkg / "text_encoder.onnx"))
    graph.graph.initializer[0].name = "renamed"
    for node in graph.graph.node:
        node.input[:] = ["renamed" if i == "pos" else i for i in node.input]
    onnx.save(graph, str(pkg / "text_encoder.onnx"))
    try:
        recover(str(pkg))
    except ValueError as e:
        assert "text_encoder.onnx" in str(e) and "'pos'" in str(e)
    else:
        raise AssertionError("a package whose initializers do not match the code was accepted")
