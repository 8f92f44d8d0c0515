#!/usr/bin/env bash
# Installs everything Spacetime needs on a fresh Debian 12 (apt), then builds the project and
# installs the GStreamer plugin for the current user. Idempotent: run it as often as you like.
#
#   install/setup-debian.sh            # packages + build + user install
#   install/setup-debian.sh --packages # packages only
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fail() { echo "setup: ERROR: $*" >&2; exit 1; }
say() { echo "setup: $*"; }

[ -r /etc/debian_version ] || fail "this script targets Debian 12; /etc/debian_version not found"

mapfile -t wanted < <(grep -Ev '^\s*(#|$)' "$here/debian-packages.txt")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "need root or sudo to install: ${missing[*]}"
    sudo="sudo"
  fi
  $sudo apt-get update -qq || fail "apt-get update failed (is Debian's package mirror reachable?)"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || fail "apt-get install failed for: ${missing[*]}"
else
  say "all ${#wanted[@]} Debian packages already installed"
fi

[ "${1:-}" = "--packages" ] && exit 0
exec "$here/build-and-install.sh"
