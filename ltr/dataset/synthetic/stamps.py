"""Object cutouts for the synthetic generator: the colour stamps of Debian's ``tuxpaint-stamps-default``.

Tux Paint's stamp collection (GPL-2, Debian package ``tuxpaint-stamps-default``, version
:data:`STAMPS_PACKAGE_VERSION`) holds several hundred RGBA images of single objects, many of them photographs cut
out along the object's outline (animals, fruit, vegetables, tools, vehicles, buildings), others drawings.
Unlike a shape cut from a photograph, a stamp is a whole object with its real outline: the kind of target a
tracker meets in real footage. Only the splits ``train_stamps`` and ``train_opencv_stamps`` use them
(:data:`~ltr.dataset.synthetic.sources.SPLITS`); no validation or test split does.

Install (either):

* ``apt-get install tuxpaint-stamps-default`` (files under :data:`DEFAULT_STAMPS_DIR`), or
* ``apt-get download tuxpaint-stamps-default && dpkg -x tuxpaint-stamps-default_*_all.deb DIR`` and
  ``export TUXPAINT_STAMPS_DIR=DIR/usr/share/tuxpaint/stamps`` (no root needed).

Which stamps: every ``*.png`` under the stamps folder, sorted by relative path, except the ``symbols/`` folder
(letters, digits and signs: flat glyphs, not objects), the ``*_mirror.png`` files (mirror images of other stamps;
the generator mirrors at random itself) and the few without an alpha channel. A stamp's *group* is its folder
without a trailing ``cartoon`` component (``animals/mammals/bovines``): the generator's ``same_photo`` distractors
of a stamp target are other stamps of the group (another bird next to a bird), the stamp analogue of another region
of the target's photograph.
"""
import os
from typing import Dict, List, Tuple

import cv2
import numpy as np

__all__ = ['DEFAULT_STAMPS_DIR', 'STAMPS_DIR_ENV', 'STAMPS_PACKAGE_VERSION', 'EXPECTED_STAMP_COUNT', 'MAX_STAMP_SIDE',
           'stamps_dir', 'list_stamps', 'stamp_group', 'stamp_groups', 'load_stamp']

#: Where ``apt-get install tuxpaint-stamps-default`` puts the stamps.
DEFAULT_STAMPS_DIR = '/usr/share/tuxpaint/stamps'
#: Environment variable that points to another stamps folder (e.g. one extracted with ``dpkg -x``).
STAMPS_DIR_ENV = 'TUXPAINT_STAMPS_DIR'
#: The package version whose stamps :data:`EXPECTED_STAMP_COUNT` counts (the one the stamp stage trained on).
STAMPS_PACKAGE_VERSION = '2022.06.04-1'
#: Number of usable stamps in :data:`STAMPS_PACKAGE_VERSION`; another count means other data, and generation
#: stops instead of silently producing different sequences.
EXPECTED_STAMP_COUNT = 535
#: Longest side of a stamp after loading (larger ones are downscaled with INTER_AREA).
MAX_STAMP_SIDE = 400

_EXCLUDED_TOP = ('symbols',)
_cache: Dict[str, object] = {}


def stamps_dir() -> str:
    """The stamps folder: ``$TUXPAINT_STAMPS_DIR`` if set, else :data:`DEFAULT_STAMPS_DIR`; raises with the install
    commands when it does not exist."""
    path = os.environ.get(STAMPS_DIR_ENV) or DEFAULT_STAMPS_DIR
    if not os.path.isdir(path):
        raise FileNotFoundError(
            f"Tux Paint stamps folder {path!r} not found (the 'train_stamps' and 'train_opencv_stamps' synthetic "
            f"splits use Debian's tuxpaint-stamps-default {STAMPS_PACKAGE_VERSION}): apt-get install "
            f"tuxpaint-stamps-default, or apt-get download tuxpaint-stamps-default && "
            f"dpkg -x tuxpaint-stamps-default_*_all.deb DIR and set "
            f"{STAMPS_DIR_ENV}=DIR/usr/share/tuxpaint/stamps")
    return path


def _read_rgba(path: str):
    im = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if im is None:
        raise OSError(f"Tux Paint stamp {path!r} could not be read")
    return im


def list_stamps(check_count: bool = True) -> Tuple[str, ...]:
    """Relative paths (``'animals/birds/duck.png'``, sorted) of the usable stamps (see the module docstring).
    With ``check_count`` raises unless there are exactly :data:`EXPECTED_STAMP_COUNT`. Cached."""
    root = stamps_dir()
    key = 'list:' + root
    if key not in _cache:
        names = []
        for dirpath, _, files in os.walk(root):
            for f in files:
                rel = os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, '/')
                if not f.endswith('.png') or f.endswith('_mirror.png') or rel.split('/')[0] in _EXCLUDED_TOP:
                    continue
                im = _read_rgba(os.path.join(root, rel))
                if im.ndim == 3 and im.shape[2] == 4:
                    names.append(rel)
        _cache[key] = tuple(sorted(names))
    names = _cache[key]
    if check_count and len(names) != EXPECTED_STAMP_COUNT:
        raise ValueError(f"{len(names)} usable stamps in {root!r}, expected {EXPECTED_STAMP_COUNT} (Debian "
                         f"tuxpaint-stamps-default {STAMPS_PACKAGE_VERSION}); another version gives other sequences")
    return names


def stamp_group(name: str) -> str:
    """The group of stamp ``name``: its folder without a trailing ``cartoon`` component."""
    parts = name.split('/')[:-1]
    if parts and parts[-1] == 'cartoon':
        parts = parts[:-1]
    return '/'.join(parts)


def stamp_groups(names) -> Dict[str, List[str]]:
    """``{group: [stamp, ...]}`` over ``names`` (in their order)."""
    groups: Dict[str, List[str]] = {}
    for n in names:
        groups.setdefault(stamp_group(n), []).append(n)
    return groups


def load_stamp(name: str):
    """``(rgb, alpha)`` of stamp ``name``: ``(H, W, 3)`` uint8 RGB and ``(H, W)`` float32 alpha in [0, 1], cropped
    to the box where alpha >= 0.5 and scaled to a longest side of at most :data:`MAX_STAMP_SIDE`. The colour of
    each pixel is blended, by ``1 - alpha``, toward an alpha-weighted blur of the visible colours, so that resizing
    and blurring do not bleed the arbitrary colours hidden under transparent pixels into the edge. Cached."""
    key = 'stamp:' + name
    if key not in _cache:
        path = os.path.join(stamps_dir(), name)
        im = _read_rgba(path)
        if im.ndim != 3 or im.shape[2] != 4:
            raise ValueError(f"Tux Paint stamp {path!r} has no alpha channel (shape {im.shape})")
        alpha = im[:, :, 3].astype(np.float32) / 255.0
        ys, xs = np.nonzero(alpha >= 0.5)
        if len(ys) == 0:
            raise ValueError(f"Tux Paint stamp {path!r} is fully transparent")
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        rgb = np.ascontiguousarray(im[y0:y1, x0:x1, 2::-1])
        alpha = np.ascontiguousarray(alpha[y0:y1, x0:x1])
        # hidden colour: a blur of the visible colours, weighted by alpha
        w = cv2.GaussianBlur(alpha, (0, 0), 4.0)[:, :, None]
        fill = cv2.GaussianBlur(rgb.astype(np.float32) * alpha[:, :, None], (0, 0), 4.0) / np.maximum(w, 1e-3)
        a3 = alpha[:, :, None]
        rgb = np.clip(np.round(rgb * a3 + fill * (1.0 - a3)), 0, 255).astype(np.uint8)
        scale = MAX_STAMP_SIDE / max(rgb.shape[:2])
        if scale < 1:
            size = (max(round(rgb.shape[1] * scale), 1), max(round(rgb.shape[0] * scale), 1))
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
            alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
        _cache[key] = (rgb, alpha)
    return _cache[key]
