#!/usr/bin/env bash
# What spacetimerestyle makes of a red object when asked for another colour, with the installed
# plugin and default model: a World v1 clip ("a red circle moves right on a black background", 33
# frames rendered by models/training's World renderer) is restyled towards each colour at each
# strength (seed 0); prints the generated object's median colour and the colour the World judge
# (spacetime_train.judge, as in the model's evaluation) reads in it.
#
#   plugin/bench/restyle-colours.sh [colour ...]      # default: blue green yellow
set -euo pipefail
colours=("$@")
[ $# -gt 0 ] || colours=(blue green yellow)
training="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../models/training" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
caption="a red circle moves right on a black background"
PYTHONPATH="$training" /usr/bin/python3 - "$work/input.rgb" "$caption" <<'PY'
import sys
from spacetime_train.world import parse_caption, render
scene = parse_caption(sys.argv[2])
scene.objects[0].x = 0.2          # starts left of centre, so it stays in view for the 4 s
render([scene], 64, 64, 33)[0].numpy().tofile(sys.argv[1])
PY
for colour in "${colours[@]}"; do
  for strength in 0.6 0.8 0.9; do
    gst-launch-1.0 -q filesrc location="$work/input.rgb" ! rawvideoparse width=64 height=64 format=rgb framerate=8/1 \
      ! spacetimerestyle strength=$strength seed=0 prompt="${caption/red/$colour}" \
      ! videoconvert ! video/x-raw,format=RGB ! filesink location="$work/$colour-$strength.rgb"
  done
done
PYTHONPATH="$training" /usr/bin/python3 - "$work" "$caption" "${colours[@]}" <<'PY'
import sys
import numpy as np
from spacetime_train.judge import track
from spacetime_train.world import parse_caption
work, caption, colours = sys.argv[1], sys.argv[2], sys.argv[3:]
for colour in colours:
    scene = parse_caption(caption.replace("red", colour))
    for strength in ("0.6", "0.8", "0.9"):
        video = np.fromfile(f"{work}/{colour}-{strength}.rgb", np.uint8).reshape(-1, 64, 64, 3)
        t = track(video, scene)
        seen = ~np.isnan(t.colors[:, 0])
        median = tuple(int(c) for c in np.median(t.colors[seen], axis=0)) if seen.any() else None
        print(f"towards {colour:7s} at {strength}: object in {seen.sum()} of {len(video)} frames, "
              f"median colour {median}, reads as {t.color}")
PY
