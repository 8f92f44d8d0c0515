#!/usr/bin/env bash
# Prints which ONNX Runtime build this machine should get: "gpu" (the CUDA build, mvn -Pgpu,
# 444 MB) where an NVIDIA GPU is visible to nvidia-smi, "cpu" (the default, 20 MB) elsewhere.
# SPACETIME_ONNXRUNTIME=gpu|cpu overrides the detection. The CUDA build also runs on CPU (the
# runtime falls back, with a warning), but a CPU-only install has no use for its size.
set -euo pipefail
case "${SPACETIME_ONNXRUNTIME:-auto}" in
  gpu|cpu) echo "$SPACETIME_ONNXRUNTIME" ;;
  auto)
    if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
      echo gpu
    else
      echo cpu
    fi ;;
  *) echo "onnxruntime-build: SPACETIME_ONNXRUNTIME must be gpu, cpu or auto, not '$SPACETIME_ONNXRUNTIME'" >&2
     exit 2 ;;
esac
