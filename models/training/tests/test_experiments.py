"""The experiments (models/README.md's probes) still start against the training code they import: a
renamed function there would otherwise be found only when someone reruns a probe to check a figure."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

TRAINING = Path(__file__).resolve().parents[1]
EXPERIMENTS = sorted((TRAINING / "experiments").glob("*.py"))


@pytest.mark.parametrize("script", EXPERIMENTS, ids=lambda p: p.name)
def test_experiment_starts(script):
    env = dict(os.environ, PYTHONPATH=str(TRAINING), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    run = subprocess.run([sys.executable, str(script), "--help"], cwd=TRAINING, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "usage:" in run.stdout


def test_shape_contrast_replaces_only_the_shape_word():
    spec = importlib.util.spec_from_file_location("shape_contrast", TRAINING / "experiments" / "shape_contrast.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.other_shape_captions("a big red square moves left on a black background") == [
        "a big red circle moves left on a black background", "a big red triangle moves left on a black background"]
    assert module.other_shape_captions("a small white triangle bounces on a navy background while snow falls") == [
        "a small white circle bounces on a navy background while snow falls",
        "a small white square bounces on a navy background while snow falls"]
