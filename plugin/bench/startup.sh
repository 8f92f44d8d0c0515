#!/usr/bin/env bash
# Where the start-up time of `gst-launch-1.0 spacetimesrc ... num-buffers=1 ! fakesink` goes, with
# the installed plugin: the time of each milestone in GStreamer's debug log (the loader's and the
# Java side's lines, GstDebugLog), median of N runs, next to videotestsrc doing the same.
#
#   plugin/bench/startup.sh [N]      (default 5)
set -uo pipefail
n="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prompt="prompt=a red circle moves right on a black background"
milestones=(
  "JVM started|started JVM"
  "element types registered|element types$"
  "model loaded (ONNX Runtime sessions)|loaded on CPU"
  "first frame handed out|frame 0 at"
)
for ((i = 0; i < n; i++)); do
  start=$(date +%s%N)
  GST_DEBUG="spacetime*:6" GST_DEBUG_NO_COLOR=1 GST_DEBUG_FILE="$work/run$i.log" \
    gst-launch-1.0 -q spacetimesrc "$prompt" num-buffers=1 ! fakesink
  echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/total"
  start=$(date +%s%N)
  gst-launch-1.0 -q videotestsrc num-buffers=1 ! fakesink
  echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/videotestsrc"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo "start-up of gst-launch-1.0 spacetimesrc num-buffers=1 ! fakesink, median of $n runs (ms since the process started):"
for m in "${milestones[@]}"; do
  name="${m%%|*}"; pattern="${m#*|}"
  # The debug log's first column is the time since GStreamer was initialised in the process.
  t=$(for f in "$work"/run*.log; do grep -m1 "$pattern" "$f" | awk '{split($1, p, ":"); printf "%d\n", (p[1] * 3600 + p[2] * 60 + p[3]) * 1000}'; done | median)
  printf '  %-40s %6s ms\n' "$name" "$t"
done
printf '  %-40s %6s ms (wall, whole process)\n' "exit" "$(median < "$work/total")"
printf '  %-40s %6s ms (wall, whole process)\n' "videotestsrc, the same pipeline" "$(median < "$work/videotestsrc")"
