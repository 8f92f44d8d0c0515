#!/usr/bin/env bash
# Compiles generate-layout.c against the installed GStreamer headers and writes its output to $1.
set -euo pipefail
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
command -v pkg-config >/dev/null || { echo "generate-layout: pkg-config not found (run install/setup-debian.sh)" >&2; exit 1; }
flags="$(pkg-config --cflags --libs gstreamer-1.0 gstreamer-base-1.0 gstreamer-video-1.0)" \
  || { echo "generate-layout: GStreamer dev headers not found (libgstreamer1.0-dev, libgstreamer-plugins-base1.0-dev)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
gcc -Wall -Werror -o "$tmp/generate-layout" "$here/generate-layout.c" $flags
mkdir -p "$(dirname "$out")"
"$tmp/generate-layout" > "$out"
