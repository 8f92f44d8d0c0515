#!/usr/bin/env bash
# What spacetimerestyle makes of a red object when asked for another colour, with the installed
# plugin and default model: a drawn World v1 clip (a red disk moving right on black, 33 frames) is
# restyled towards each colour at each strength (seed 0); prints the generated object's mean colour
# and the World v1 colour nearest to it (the object: pixels far from the background, as judge.py).
#
#   plugin/bench/restyle-colours.sh [colour ...]      # default: blue green yellow
set -euo pipefail
colours=("$@")
[ $# -gt 0 ] || colours=(blue green yellow)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/red.rgb" <<'PY'
import sys
import numpy as np
y, x = np.mgrid[0:64, 0:64] + 0.5
frames = np.empty((33, 64, 64, 3), np.uint8)
for f in range(33):
    inside = (x - (12 + 0.35 * 64 / 8 * f)) ** 2 + (y - 32) ** 2 <= (0.11 * 64) ** 2
    frames[f] = np.where(inside[..., None], (222, 44, 44), (16, 16, 16))
frames.tofile(sys.argv[1])
PY
for colour in "${colours[@]}"; do
  for strength in 0.6 0.8 0.9; do
    gst-launch-1.0 -q filesrc location="$work/red.rgb" ! rawvideoparse width=64 height=64 format=rgb framerate=8/1 \
      ! spacetimerestyle strength=$strength seed=0 prompt="a $colour circle moves right on a black background" \
      ! videoconvert ! video/x-raw,format=RGB ! filesink location="$work/out.rgb"
    /usr/bin/python3 - "$work/out.rgb" "$colour" "$strength" <<'PY'
import sys
import numpy as np
palette = {"red": (222, 44, 44), "green": (36, 190, 72), "blue": (56, 100, 245), "yellow": (242, 216, 38),
           "magenta": (212, 64, 212), "cyan": (44, 206, 222), "orange": (246, 138, 30), "white": (248, 248, 248)}
v = np.fromfile(sys.argv[1], np.uint8).reshape(-1, 64, 64, 3).astype(int)
obj = np.abs(v - 16).sum(-1) > 90
mean = v[obj].mean(0) if obj.any() else np.zeros(3)
nearest = min(palette, key=lambda c: ((mean - palette[c]) ** 2).sum())
print(f"towards {sys.argv[2]:7s} at {sys.argv[3]}: object {obj.sum() / len(v):5.1f} px a frame, "
      f"mean colour {tuple(int(c) for c in mean.round())}, reads as {nearest}")
PY
  done
done
