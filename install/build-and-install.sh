#!/usr/bin/env bash
# Builds Spacetime (mvn install, tests skipped: run them with `mvn verify`) and installs the
# GStreamer plugin for the current user. Called by setup-debian.sh; safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fail() { echo "setup: ERROR: $*" >&2; exit 1; }

command -v mvn >/dev/null || fail "maven not found: run install/setup-debian.sh"
build="$("$root/install/onnxruntime-build.sh")" || fail "cannot choose the ONNX Runtime build"
profile=()
if [[ "$build" == gpu ]]; then
  profile=(-Pgpu)
  echo "setup: an NVIDIA GPU is visible: ONNX Runtime's CUDA build (needs CUDA 12 and cuDNN 9 libraries; without them the runtime falls back to CPU with a warning)"
else
  echo "setup: no NVIDIA GPU visible: ONNX Runtime's CPU build (SPACETIME_ONNXRUNTIME=gpu selects the CUDA build)"
fi
echo "setup: building (mvn install -DskipTests ${profile[*]}) ..."
(cd "$root" && mvn -q -B install -DskipTests "${profile[@]}") || fail "the Maven build failed (see the output above)"
exec "$root/install/install-plugin.sh"
