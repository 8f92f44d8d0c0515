#!/usr/bin/env bash
# Prints the per-buffer cost of a Java source element through the installed loader, against the
# C videotestsrc doing the same job (1x1 RGB frames to fakesink), and gst-inspect times.
#   plugin/bench/per-buffer-overhead.sh [buffers]
# Needs the test elements installed: install/install-plugin.sh --extra-classpath plugin/target/test-lib/*.jar
# (or the GST_PLUGIN_PATH of a test install).
set -euo pipefail
n="${1:-50000}"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
gst-inspect-1.0 spacetimetestsrc >/dev/null 2>&1 || { echo "spacetimetestsrc not installed (see header)" >&2; exit 1; }
java=$(t gst-launch-1.0 -q spacetimetestsrc num-buffers="$n" ! video/x-raw,width=1,height=1 ! fakesink)
java0=$(t gst-launch-1.0 -q spacetimetestsrc num-buffers=1 ! video/x-raw,width=1,height=1 ! fakesink)
c=$(t gst-launch-1.0 -q videotestsrc num-buffers="$n" ! video/x-raw,format=RGB,width=1,height=1,framerate=8/1 ! fakesink)
c0=$(t gst-launch-1.0 -q videotestsrc num-buffers=1 ! video/x-raw,format=RGB,width=1,height=1,framerate=8/1 ! fakesink)
printf "buffers: %d\n" "$n"
printf "java source (spacetimetestsrc): %.2f us/buffer\n" "$(echo "($java - $java0) * 1000000 / ($n - 1)" | bc -l)"
printf "C source (videotestsrc):       %.2f us/buffer\n" "$(echo "($c - $c0) * 1000000 / ($n - 1)" | bc -l)"
printf "process start with JVM: %.3f s, without: %.3f s\n" "$java0" "$c0"
printf "gst-inspect-1.0 spacetimetestsrc (warm registry): %.3f s\n" "$(t gst-inspect-1.0 spacetimetestsrc)"
