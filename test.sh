#!/usr/bin/env bash
# Sets up the machine (install/setup-debian.sh) and runs every test: the Java build and its tests
# (in-JVM pipelines and the installed plugin under gst-launch-1.0/gst-inspect-1.0, Pitivi under
# Xvfb), then the Python tests of the model's training and export code and of the Pitivi plugin's
# render machinery.
set -euo pipefail
cd "$(dirname "$0")"
install/setup-debian.sh
echo "== Java: mvn verify"
mvn -B verify
echo "== Python: models/training tests"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$(nproc)}"
# pytest's temporary directories go to models/training/.pytest-tmp (cleared each run), not /tmp.
(cd models/training && /usr/bin/python3 -m pytest -q tests --basetemp=.pytest-tmp)
echo "== Python: Pitivi plugin tests"
(cd editor/pitivi && /usr/bin/python3 -m pytest -q tests --basetemp=.pytest-tmp -p no:cacheprovider)
