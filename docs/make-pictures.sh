#!/usr/bin/env bash
# Makes the README's pictures with the installed plugin and the shipped default model (seed 0,
# default settings; CPU output is the same on every run): for each prompt, every 4th frame of a
# 4 s clip made by spacetimesrc, side by side, shown 2x; and a drawn World clip extended by spacetimeextend.
#   docs/make-pictures.sh            # writes docs/generated.png and docs/extended.png, prints the extension's object centres
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prompts=(
  "a red circle moves right on a black background"
  "a big cyan triangle moves left on a white background"
  "a small yellow square bounces on a navy background while snow falls"
  "a green circle stays still and a magenta square moves down on a gray background"
)
for i in "${!prompts[@]}"; do
  mkdir -p "$work/$i"
  gst-launch-1.0 -q spacetimesrc prompt="${prompts[$i]}" duration=4 seed=0 ! videoconvert ! pngenc \
    ! multifilesink location="$work/$i/%03d.png"
done
# The input of the extension: 12 frames of a World v1 clip drawn as WORLD.md says ("a red circle
# moves right on a black background": a disk of diameter 0.22 H moving right at 0.35 H/s), then 3 s
# generated after them.
mkdir -p "$work/extend"
/usr/bin/python3 - "$work/input.rgb" <<'PY'
import sys
import numpy as np
y, x = np.mgrid[0:64, 0:64] + 0.5
frames = np.empty((12, 64, 64, 3), np.uint8)
for f in range(12):
    inside = (x - (12 + 0.35 * 64 / 8 * f)) ** 2 + (y - 32) ** 2 <= (0.11 * 64) ** 2
    frames[f] = np.where(inside[..., None], (222, 44, 44), (16, 16, 16))
frames.tofile(sys.argv[1])
PY
gst-launch-1.0 -q filesrc location="$work/input.rgb" ! rawvideoparse width=64 height=64 format=rgb framerate=8/1 \
  ! spacetimeextend duration=3 seed=0 prompt="a red circle moves right on a black background" ! videoconvert \
  ! pngenc ! multifilesink location="$work/extend/%03d.png"
/usr/bin/python3 - "$work" "$here" "${prompts[@]}" <<'PY'
import sys
from pathlib import Path
from PIL import Image, ImageDraw
work, out, prompts = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
S, PAD, LABEL = 128, 4, 16

def sheet(rows, labels, path):
    cols = max(len(r) for r in rows)
    img = Image.new("RGB", (cols * (S + PAD) + PAD, len(rows) * (S + PAD + LABEL) + PAD), (255, 255, 255))
    d = ImageDraw.Draw(img)
    for r, (frames, label) in enumerate(zip(rows, labels)):
        y = PAD + r * (S + PAD + LABEL)
        d.text((PAD, y), label, fill=(0, 0, 0))
        for c, f in enumerate(frames):
            img.paste(Image.open(f).convert("RGB").resize((S, S), Image.NEAREST), (PAD + c * (S + PAD), y + LABEL))
    img.save(path, optimize=True)

rows = [sorted((work / str(i)).glob("*.png"))[::4] for i in range(len(prompts))]
sheet(rows, [f'"{p}" (frames 0, 4, ..., 28 at 8 fps)' for p in prompts], out / "generated.png")
ext = sorted((work / "extend").glob("*.png"))
sheet([ext[:12:2], ext[12:24:2], ext[24::2]],
      ["input, drawn as WORLD.md says: frames 0, 2, ..., 10",
       "continued by spacetimeextend: frames 12, 14, ..., 22", "frames 24, 26, ..., 34"], out / "extended.png")
# The figures README.md quotes for the extension: where the object is (the centre of the pixels far
# from the background) and whether those pixels are red, in the last input frames and the first generated.
import numpy as np
for f in range(10, 19):
    rgb = np.asarray(Image.open(ext[f]).convert("RGB")).astype(int)
    far = np.abs(rgb - 16).sum(-1) > 90
    red = far & (rgb[..., 0] > 2 * rgb[..., 1]) & (rgb[..., 0] > 2 * rgb[..., 2])
    where = f"object centre x {np.nonzero(far)[1].mean() + 0.5:.1f} px, {red.sum()} of {far.sum()} pixels red" if far.any() else "no object"
    print(f"extended frame {f} ({'input' if f < 12 else 'generated'}): {where}")
PY
echo "wrote $here/generated.png and $here/extended.png"
