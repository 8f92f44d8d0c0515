"""Regression guard for the shipped package: a small, fast run of the evaluation (evaluate.py) on
the package's own weights (recovered from its graphs), with thresholds a little under what the
same run measured when the package was committed (models/README.md has the full evaluation)."""
import json
import os

import pytest

from spacetime_train.evaluate import evaluate
from spacetime_train.recover import recover

PACKAGE = os.path.join(os.path.dirname(__file__), "..", "..", "spacetime-world-v1")

# Measured with this test's settings (the package's, DPM-Solver++ 2M) on 2.6.0 in the twenty-fifth
# session, on the 2-core development machine (deterministic on one CPU), with its guidance interval
# (0, 0.95] and with (0.5, 0.95] alike; the guard allows a little less.
# 2.5.0 (its denoiser 3568 steps earlier) measured the same but smooth 0.87 (eighteenth session; these
# figures do not depend on its conditioned noise scale). Until then the test sampled with
# Euler and guidance at every step: 2.4.0 and 2.5.0 (the same graphs) measured smooth 0.86 so. 2.3.0 (its
# denoiser 3714 steps earlier, trained with the default task mix) and 2.2.0 measured psnr 34.3, shape
# 0.81, colour 0.875, motion 1.0, smooth 0.84. 2.1.0 (its
# denoiser 4591 steps earlier, its decoder 9190) measured psnr 34.2, shape 0.81, colour 0.875, motion
# 1.0, smooth 0.86; 2.0.0 (its decoder before 15 310 more steps with outlines weighted) psnr 32.3,
# shape 0.625 (judged on 32 single-object clips), colour 0.875, motion 1.0, smooth 0.88; 1.0.0 psnr
# 27.5, colour 0.875, motion 0.625, smooth 0.03: its objects froze for four frames.
MEASURED = {"psnr_64x64": 34.3, "reconstruction_shape": 0.81, "colour": 1.0, "motion": 1.0, "smooth": 0.86}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    import torch
    out = tmp_path_factory.mktemp("quality")
    torch.save(recover(PACKAGE), out / "weights.pt")
    with open(os.path.join(PACKAGE, "model.json")) as f:
        scheduler = json.load(f)["scheduler"]
    # The package's own sampling settings with the elements' default sampler: what users get.
    return evaluate(str(out / "weights.pt"), str(out / "eval"), n=8, seed=7, steps=scheduler["default_steps"],
                    guidance=scheduler["default_guidance"], shift=scheduler["shift"], quick=True,
                    conditioned_noise_scale=scheduler.get("conditioned_noise_scale", 1.0),
                    guidance_interval=tuple(scheduler.get("guidance_interval", (0.0, 1.0))))


def figures(r: dict) -> dict:
    a = r["autoencoder"]
    return {"psnr_64x64": a["psnr_64x64"], "reconstruction_shape": a["judge_reconstruction"]["shape"],
            "colour": r["in_distribution"]["colour"], "motion": r["in_distribution"]["motion"],
            "smooth": r["in_distribution"]["smooth"]}


def test_shipped_package_keeps_its_measured_quality(report):
    got = figures(report)
    for name, measured in MEASURED.items():
        margin = 1.0 if name.startswith("psnr") else 0.13
        assert got[name] >= measured - margin, f"{name}: {got[name]:.2f}, measured {measured:.2f} at commit ({got})"
