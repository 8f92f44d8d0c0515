#!/usr/bin/env bash
# Builds Spacetime (mvn install, tests skipped: run them with `mvn verify`) and installs the
# GStreamer plugin for the current user. Called by setup-debian.sh; safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fail() { echo "setup: ERROR: $*" >&2; exit 1; }

command -v mvn >/dev/null || fail "maven not found: run install/setup-debian.sh"
echo "setup: building (mvn install -DskipTests) ..."
(cd "$root" && mvn -q -B install -DskipTests) || fail "the Maven build failed (see the output above)"
exec "$root/install/install-plugin.sh"
