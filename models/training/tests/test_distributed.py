"""Training on several processes (DistributedDataParallel, gloo on CPU), each rank drawing its own
batches. The ranks are started with the environment torchrun gives them (RANK, WORLD_SIZE,
MASTER_ADDR, MASTER_PORT): Debian 12's torchrun itself fails on Python 3.11 before starting any
worker (AttributeError in torch.distributed.elastic's redirect parsing, torch 1.13)."""
import socket
import os
import subprocess
import sys

import torch

from spacetime_train.train import main as train_main

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_two_cpu_ranks_train_the_same_weights(tmp_path):
    run = tmp_path / "run"
    train_main(["--out", str(run), "--phase", "vae", "--vae-steps", "2", "--vae-batch", "4", "--threads", "1"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ranks = []
    for rank in range(2):
        env = dict(os.environ, PYTHONPATH=HERE, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", RANK=str(rank),
                   LOCAL_RANK=str(rank), WORLD_SIZE="2", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
        ranks.append(subprocess.Popen([sys.executable, "-m", "spacetime_train.train", "--out", str(run), "--phase", "dit",
                                       "--dit-steps", "3", "--dit-batch", "2", "--min-shards", "1", "--shard-clips", "4", "--threads", "1",
                                       "--rank-weights"], cwd=HERE, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True))
    outputs = [p.communicate(timeout=600)[0] for p in ranks]
    for p, out in zip(ranks, outputs):
        assert p.returncode == 0, out
    rank0 = torch.load(run / "checkpoint.pt", weights_only=False)
    rank1 = torch.load(run / "rank1.pt", weights_only=False)
    assert rank0["dit_step"] == 3
    initial = train_main.__globals__["build"](rank0["config"])[4].state_dict()
    moved = 0
    for name, w in rank0["dit"].items():
        assert torch.equal(w, rank1["dit"][name]), f"{name} differs between the ranks"
        moved += not torch.equal(w, initial[name])
    assert moved > 0, "the ranks trained"
    assert "x 2 rank(s)" in (run / "train.log").read_text()
