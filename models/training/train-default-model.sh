#!/usr/bin/env bash
# Reproduces the shipped default model package models/spacetime-world-v1 from nothing but code:
# trains (fixed seed 1234), exports ONNX + tokenizer + manifest + golden fixtures, and evaluates.
#
#   models/training/train-default-model.sh [run-dir]      (default run dir: runs/default)
#
# The shipped package was trained on one NVIDIA H100 in 23 minutes (autoencoder 6511 steps in
# 5 min, then denoiser 8175 steps in 18 min); the step counts below reproduce that run. On the
# 2-core CPU machine the same steps would take days: use a GPU (DEVICE=cuda, the default when
# one is visible). GPU kernels are not bit-deterministic, so a rerun matches closely, not exactly.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
run="${1:-runs/default}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$(nproc)}"
py="${PYTHON:-python3}"
cd "$here"
$py -m spacetime_train.train --out "$run" --seed 1234 \
    --vae-steps 20000 --vae-stop-at 6511 --vae-batch 32 --dit-steps 8175 --dit-batch 128 ${DEVICE:+--device $DEVICE}
cp "$run/train.log" ../spacetime-world-v1/TRAINING.log
$py -m spacetime_train.export --weights "$run/weights.pt" --out ../spacetime-world-v1 --fixtures ../runtime-fixtures
$py -m spacetime_train.evaluate --weights "$run/weights.pt" --out ../spacetime-world-v1/eval
