#!/usr/bin/env bash
# HD through spacetimeextend with the installed plugin: wall time and peak RSS of extending a
# 1080p I420 stream (30 frames at 25 fps) by 4 s (100 frames), forward and backward.
#
#   plugin/bench/hd-extend.sh [width] [height]
set -euo pipefail
w="${1:-1920}"; h="${2:-1080}"
src="videotestsrc pattern=ball num-buffers=30 ! video/x-raw,format=I420,width=$w,height=$h,framerate=25/1"
for direction in forward backward; do
  /usr/bin/time -f "$direction ${w}x${h}: %e s wall, %M kB peak RSS (100 generated + 30 input frames, JVM start included)" \
    gst-launch-1.0 -q $src ! spacetimeextend duration=4 direction=$direction ! fakesink
done
/usr/bin/time -f "reference, the same chain without spacetimeextend: %e s wall, %M kB peak RSS" \
  gst-launch-1.0 -q $src ! fakesink
