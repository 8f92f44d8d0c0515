#!/usr/bin/env bash
# Runs each bad-input case N times under gst-launch-1.0 with a 30 s timeout and counts hangs
# (timeout's exit code 124), crashes (death by a signal: exit code 128 + signal, e.g. 139 for
# SIGSEGV) and exit codes, with the installed plugin. Target: 0 hangs, 0 crashes.
# (UntrustedInputTest runs the same loop a few times per case in the test suite.)
#
#   plugin/bench/error-stress.sh [N]      (default 50)
set -uo pipefail
n="${1:-50}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$root/models/spacetime-world-v1" "$work/damaged"
head -c 100000 "$root/models/spacetime-world-v1/denoiser.onnx" > "$work/damaged/denoiser.onnx"
echo text > "$work/not-an-image.png"
prompt="prompt=a red circle moves right on a black background"
cases=(
  "no model|spacetimesrc|$prompt|model=/nonexistent/pkg|!|fakesink"
  "no prompt|spacetimesrc|!|fakesink"
  "damaged model|spacetimesrc|$prompt|model=$work/damaged|!|fakesink"
  "no image|spacetimesrc|$prompt|image=/nonexistent/first.png|!|fakesink"
  "not an image|spacetimesrc|$prompt|image=$work/not-an-image.png|!|fakesink"
  "extend, no model|videotestsrc|num-buffers=2|!|spacetimeextend|model=/nonexistent/pkg|!|fakesink"
)
total_hangs=0; total_crashes=0
for c in "${cases[@]}"; do
  IFS='|' read -r -a parts <<< "$c"
  name="${parts[0]}"; args=("${parts[@]:1}")
  hangs=0; crashes=0; declare -A codes=()
  start=$(date +%s%N)
  for ((i = 0; i < n; i++)); do
    timeout 30 gst-launch-1.0 "${args[@]}" > /dev/null 2>&1
    rc=$?
    [ $rc -eq 124 ] && hangs=$((hangs + 1))
    [ $rc -gt 128 ] && [ $rc -ne 255 ] && crashes=$((crashes + 1))
    codes[$rc]=$(( ${codes[$rc]:-0} + 1 ))
  done
  ms=$(( ($(date +%s%N) - start) / 1000000 / n ))
  summary=""; for k in "${!codes[@]}"; do summary+=" exit $k: ${codes[$k]}"; done
  printf '%-18s %d runs, %d hangs, %d crashes,%s (%d ms a run)\n' "$name" "$n" "$hangs" "$crashes" "$summary" "$ms"
  total_hangs=$((total_hangs + hangs)); total_crashes=$((total_crashes + crashes)); unset codes
done
echo "hangs in all: $total_hangs; crashes in all: $total_crashes"
[ "$total_hangs" -eq 0 ] && [ "$total_crashes" -eq 0 ]
