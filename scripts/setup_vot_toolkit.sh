#!/usr/bin/env bash
# Install the VOT challenge toolkit (vot-toolkit 0.9.0) into its own virtual environment.
#
# The toolkit cannot share FCOT's environment: it requires `opencv-python`, which would replace the contrib
# OpenCV build that provides CSRT/KCF (several OpenCV distributions share one `cv2/` folder), and its `vot` CLI
# crashes with attributee 0.1.10 (it works with 0.1.9). It talks to FCOT over TraX, so it only needs to find the
# tracker command that `python -m pytracking.vot.trackers_ini` writes into the workspace's trackers.ini.
#
# Usage:  bash scripts/setup_vot_toolkit.sh [VENV]        (VENV defaults to .venv-vot in the current folder)
# Then:   export FCOT_VOT_CLI="$VENV/bin/vot"              (tests/test_vot_toolkit.py runs the real toolkit CLI)
# Idempotent: exits at once when VENV already has the pinned toolkit.
set -euo pipefail

VENV="${1:-.venv-vot}"
PINS=("vot-toolkit==0.9.0" "attributee==0.1.9")
PY="${PYTHON:-python}"

if [ -x "$VENV/bin/vot" ] && "$VENV/bin/python" -c 'import importlib.metadata as m, sys
sys.exit(0 if (m.version("vot-toolkit"), m.version("attributee")) == ("0.9.0", "0.1.9") else 1)' 2>/dev/null; then
    echo "[setup_vot_toolkit] already installed in $VENV"
else
    echo "[setup_vot_toolkit] creating $VENV and installing ${PINS[*]}"
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
fi
"$VENV/bin/vot" --help >/dev/null
echo "export FCOT_VOT_CLI=\"$(cd "$VENV" && pwd)/bin/vot\""
