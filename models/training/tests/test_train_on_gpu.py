"""train-on-gpu.sh, run on the CPU with tiny settings: every variant trains past the committed state
on the shared latent cache, on a warm restart of its own, and leaves a state the evaluation loads."""
import os
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_variants_train_on_from_the_committed_state(tmp_path):
    env = dict(os.environ, PYTHON=sys.executable, DEVICE="cpu", MINUTES="0.05", BATCH="2", FIRST_SHARDS="1",
               SHARDS="2", SHARD_CLIPS="4", WORK=str(tmp_path / "work"), OMP_NUM_THREADS="1")
    out = tmp_path / "out"
    run = subprocess.run([os.path.join(HERE, "train-on-gpu.sh"), str(out), "fast:6e-4", "slow:1e-4"], env=env,
                         cwd=HERE, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    committed = torch.load(os.path.join(HERE, "resume", "v2-state.pt"), map_location="cpu", weights_only=False)
    for name, lr in (("fast", "6.0e-04"), ("slow", "1.0e-04")):
        log = (out / f"{name}.log").read_text()
        assert f"warm restart at step {committed['dit_step']}: learning rate {lr}" in log
        assert "dit phase done" in log
        state = torch.load(out / f"{name}-state.pt", map_location="cpu", weights_only=False)
        assert state["dit_step"] > committed["dit_step"]
        assert state["dit_seconds"] > committed["dit_seconds"]
        assert "restart_step" in state          # its own restart, the committed one forgotten
        # the trained weights themselves (a few steps move the fp16 average too little to see)
        trained = torch.load(tmp_path / "work" / name / "checkpoint.pt", map_location="cpu", weights_only=False)["dit"]
        moved = [k for k, v in trained.items() if not torch.equal(v.half(), committed["dit"][k])]
        assert moved, "the denoiser did not train"
    # the producer wrote the shard after the one the first trainer wrote; both trainers read that one cache
    assert sorted(os.listdir(tmp_path / "work" / "latents")) == ["shard-000000.pt", "shard-000001.pt"]
