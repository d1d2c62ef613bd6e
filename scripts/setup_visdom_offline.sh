#!/usr/bin/env bash
# Make `python -m visdom.server` start without internet access.
#
# visdom's server downloads its JavaScript/CSS/font assets from CDNs at every start (visdom/server/build.py)
# unless its `static/` folder already holds them and `static/version.built` names the installed version.
# This script takes the same files from the npm registry (`npm pack`, ordinary npm client) and puts them
# where build.py expects them, then writes `static/version.built`.
#
# Usage:  bash scripts/setup_visdom_offline.sh [PYTHON]      (PYTHON defaults to `python`)
# Needs:  npm, tar, and visdom installed for PYTHON. Idempotent: exits at once when already done (FORCE=1 redoes).
# Also pins tornado<6.6 (tornado 6.6 answers 403 on the visdom page) unless SKIP_TORNADO_PIN=1.
set -euo pipefail

PY="${1:-python}"
VISDOM_DIR="$("$PY" -c 'import os, visdom; print(os.path.dirname(visdom.__file__))')"
VERSION="$("$PY" -c 'import visdom; print(visdom.__version__)')"
STATIC="$VISDOM_DIR/static"
echo "[setup_visdom_offline] visdom $VERSION at $VISDOM_DIR"

if [ "${SKIP_TORNADO_PIN:-0}" != "1" ]; then
    if ! "$PY" -c 'import sys, tornado; sys.exit(0 if tornado.version_info < (6, 6) else 1)' 2>/dev/null; then
        echo "[setup_visdom_offline] installing tornado<6.6"
        "$PY" -m pip install --quiet 'tornado<6.6'
    fi
fi

if [ "${FORCE:-0}" != "1" ] && [ "$(cat "$STATIC/version.built" 2>/dev/null)" = "$VERSION" ] \
        && [ -f "$STATIC/js/plotly-plotly.min.js" ] && [ -f "$STATIC/js/mathjax/2.7.5/MathJax.js" ]; then
    echo "[setup_visdom_offline] already set up ($STATIC/version.built = $VERSION); FORCE=1 to redo"
    exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fetch() {  # fetch NAME@VERSION -> extracted into $WORK/NAME@VERSION/package
    local spec="$1" dest="$WORK/$1"
    mkdir -p "$dest"
    (cd "$dest" && npm pack --silent "$spec" > pack.out 2>pack.err) || { cat "$dest/pack.err" >&2; exit 1; }
    tar --warning=no-unknown-keyword -xzf "$dest/$(tail -n 1 "$dest/pack.out")" -C "$dest"
}

put() {  # put NAME@VERSION PATH_IN_PACKAGE TARGET_RELATIVE_TO_STATIC
    local src="$WORK/$1/package/$2" dst="$STATIC/$3"
    if [ ! -f "$src" ]; then echo "[setup_visdom_offline] missing $2 in $1" >&2; exit 1; fi
    mkdir -p "$(dirname "$dst")"
    cp "$src" "$dst"
}

for spec in jquery@3.1.1 bootstrap@3.3.7 react@16.2.0 react-dom@16.2.0 react-modal@3.1.10 \
            plotly.js-dist-min@2.11.1 sjcl@1.0.7 layout-bin-packer@1.4.0 d3@3.5.17 d3-selection-multi@1.0.1 \
            save-svg-as-png@1.4.17 react-resizable@1.4.6 react-grid-layout@0.16.3 classnames@2.2.5 mathjax@2.7.5; do
    echo "[setup_visdom_offline] npm pack $spec"
    fetch "$spec"
done

# JavaScript
put jquery@3.1.1 dist/jquery.min.js js/jquery.min.js
put bootstrap@3.3.7 dist/js/bootstrap.min.js js/bootstrap.min.js
put react@16.2.0 umd/react.production.min.js js/react-react.min.js
put react-dom@16.2.0 umd/react-dom.production.min.js js/react-dom.min.js
put react-modal@3.1.10 dist/react-modal.min.js js/react-modal.min.js
put plotly.js-dist-min@2.11.1 plotly.min.js js/plotly-plotly.min.js
put sjcl@1.0.7 sjcl.js js/sjcl.js
put layout-bin-packer@1.4.0 dist/layout-bin-packer.js.map js/layout-bin-packer.js.map
put layout-bin-packer@1.4.0 dist/layout-bin-packer.js js/layout_bin_packer.js
put d3@3.5.17 d3.min.js js/d3.v3.min.js
put d3-selection-multi@1.0.1 build/d3-selection-multi.js js/d3-selection-multi.v1.js
put save-svg-as-png@1.4.17 lib/saveSvgAsPng.js js/saveSvgAsPng.js
# CSS
put react-resizable@1.4.6 css/styles.css css/react-resizable-styles.css
put react-grid-layout@0.16.3 css/styles.css css/react-grid-layout-styles.css
put bootstrap@3.3.7 dist/css/bootstrap.min.css css/bootstrap.min.css
# "fonts" (build.py stores everything else there, classnames included)
put classnames@2.2.5 index.js fonts/classnames
for ext in eot woff2 woff ttf; do
    put bootstrap@3.3.7 "dist/fonts/glyphicons-halflings-regular.$ext" "fonts/glyphicons-halflings-regular.$ext"
done
put bootstrap@3.3.7 dist/fonts/glyphicons-halflings-regular.svg \
    'fonts/glyphicons-halflings-regular.svg#glyphicons_halflingsregular'
# MathJax (build.py looks for these files under static/js/mathjax/2.7.5/)
MJ=js/mathjax/2.7.5
for f in MathJax.js config/Safe.js config/TeX-AMS-MML_HTMLorMML.js extensions/Safe.js \
         jax/output/SVG/fonts/TeX/fontdata.js jax/output/SVG/jax.js jax/output/SVG/fonts/TeX/Size1/Regular/Main.js \
         jax/output/SVG/config.js; do
    put mathjax@2.7.5 "$f" "$MJ/$f"
done

printf '%s' "$VERSION" > "$STATIC/version.built"
echo "[setup_visdom_offline] done: $STATIC/version.built = $VERSION"
