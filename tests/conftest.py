"""Shared test fixtures: isolated environment settings.

* ``_isolated_local_settings`` (autouse): every test gets its own folder of settings files, and the
  environment variables ``LTR_LOCAL_FILE`` / ``PYTRACKING_LOCAL_FILE`` point there, so no test reads or writes
  the user's ``ltr/admin/local.py`` / ``pytracking/evaluation/local.py``.

  - the ltr file (``ltr_local.py``) is written at test start with the defaults (all dataset paths and
    ``workspace_dir`` empty): a file named by the variable must exist;
  - the pytracking file (``pytracking_local.py``) is written at test start with the defaults, except that
    the output folders (:data:`PYTRACKING_OUTPUT_FIELDS`) point into ``<local_settings_dir>/out/`` (not
    created) so that a test never writes results into the repository.

* ``ltr_local(**fields) -> pathlib.Path``: write a new ltr settings file with these field values (others
  default), point ``LTR_LOCAL_FILE`` at it and return its path.
* ``pytracking_local(**fields) -> pathlib.Path``: same for pytracking (``PYTRACKING_LOCAL_FILE``); fields not
  given take the defaults, with the output folders in the test's folder as above.
* ``local_settings_dir -> pathlib.Path``: the per-test folder holding those files.
* ``opencv_doc_dir -> pathlib.Path``: a small stand-in for Debian ``opencv-doc``'s examples folder in its real layout
  (every photograph of ``train_opencv`` as random 120 x 90 JPEG or PNG, ``data/fruits.jpg`` a pure blue 60 x 40
  image, each video 12 random 80 x 60 MJPG frames), ``OPENCV_DOC_EXAMPLES_DIR`` pointing at it and the sources'
  cache of ``opencv:`` entries emptied.

Field values may be ``str``/``pathlib.Path`` (or a list of them, e.g. ``network_path``). An unknown field
name raises ``TypeError`` listing the allowed ones.
"""

import itertools
import os
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from ltr.admin import environment as ltr_environment  # noqa: E402
from pytracking.evaluation import environment as pytracking_environment  # noqa: E402

#: pytracking settings fields that name output folders; redirected into the test's folder.
PYTRACKING_OUTPUT_FIELDS = ('results_path', 'segmentation_path', 'result_plot_path', 'got_packed_results_path',
                            'got_reports_path', 'tn_packed_results_path')


def _pytracking_safe_defaults(folder):
    return {name: os.path.join(str(folder), 'out', name, '') for name in PYTRACKING_OUTPUT_FIELDS}


@pytest.fixture
def local_settings_dir(tmp_path_factory):
    """A fresh per-test folder for the settings files (separate from ``tmp_path``)."""
    return tmp_path_factory.mktemp('local_settings')


@pytest.fixture(autouse=True)
def _isolated_local_settings(local_settings_dir, monkeypatch):
    ltr_file = local_settings_dir / 'ltr_local.py'
    ltr_environment.write_local_file(ltr_file)
    monkeypatch.setenv(ltr_environment.LOCAL_FILE_ENV_VAR, str(ltr_file))
    pytracking_file = local_settings_dir / 'pytracking_local.py'
    pytracking_environment.write_local_file(pytracking_file, **_pytracking_safe_defaults(local_settings_dir))
    monkeypatch.setenv(pytracking_environment.LOCAL_FILE_ENV_VAR, str(pytracking_file))
    yield


@pytest.fixture
def ltr_local(local_settings_dir, monkeypatch):
    """``ltr_local(**fields) -> Path``: write an ltr settings file and make it the one in use."""
    counter = itertools.count(1)

    def write(**fields):
        path = local_settings_dir / 'ltr_local_{}.py'.format(next(counter))
        ltr_environment.write_local_file(path, **fields)
        monkeypatch.setenv(ltr_environment.LOCAL_FILE_ENV_VAR, str(path))
        return path

    return write


@pytest.fixture
def pytracking_local(local_settings_dir, monkeypatch):
    """``pytracking_local(**fields) -> Path``: write a pytracking settings file and make it the one in use."""
    counter = itertools.count(1)

    def write(**fields):
        path = local_settings_dir / 'pytracking_local_{}.py'.format(next(counter))
        values = _pytracking_safe_defaults(local_settings_dir)
        values.update(fields)
        pytracking_environment.write_local_file(path, **values)
        monkeypatch.setenv(pytracking_environment.LOCAL_FILE_ENV_VAR, str(path))
        return path

    return write


def _stand_in_photo_folder(monkeypatch, root, env_var, names, prefix, shape, seed, plain_item, plain_channel):
    """Write random ``shape`` images for the photo sources ``names`` (``prefix`` + path under ``root``) and one
    uniform image in BGR channel ``plain_channel`` at ``plain_item``; point ``env_var`` at ``root`` and forget the
    loader's cached images of ``prefix``. Returns the random generator (for videos)."""
    from ltr.dataset.synthetic import sources
    monkeypatch.setenv(env_var, str(root))
    rng = np.random.default_rng(seed)
    for name in names:
        path = root / name[len(prefix):]
        path.parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(path), rng.integers(0, 256, shape, dtype=np.uint8))
    bgr = np.zeros((shape[0] // 2, shape[1] // 2, 3), np.uint8)
    bgr[..., plain_channel] = 200
    assert cv2.imwrite(str(root / plain_item), bgr)
    for key in [k for k in sources._cache if prefix in k]:
        monkeypatch.delitem(sources._cache, key)
    return rng


@pytest.fixture
def opencv_doc_dir(tmp_path, monkeypatch):
    """A stand-in for OpenCV's sample data folder, selected through ``OPENCV_DOC_EXAMPLES_DIR`` (see above): random
    90x120 photographs, ``data/fruits.jpg`` uniformly blue (45x60), 12-frame random videos."""
    from ltr.dataset.synthetic import sources
    root = tmp_path / 'opencv_examples'
    rng = _stand_in_photo_folder(monkeypatch, root, sources.OPENCV_DOC_DIR_ENV, sources.OPENCV_PHOTOS, 'opencv:',
                                 (90, 120, 3), 0, 'data/fruits.jpg', 0)
    for name in sources.OPENCV_VIDEOS:
        writer = cv2.VideoWriter(str(root / name[len('opencv:'):]), cv2.VideoWriter_fourcc(*'MJPG'), 10, (80, 60))
        for _ in range(12):
            writer.write(rng.integers(0, 256, (60, 80, 3), dtype=np.uint8))
        writer.release()
    return root


@pytest.fixture
def wallpaper_share_dir(tmp_path, monkeypatch):
    """A stand-in for ``/usr/share`` holding every wallpaper photograph, selected through ``WALLPAPER_SHARE_DIR``:
    random 100x150 photographs, the Mate dune uniformly red (50x75)."""
    from ltr.dataset.synthetic import sources
    root = tmp_path / 'share'
    _stand_in_photo_folder(monkeypatch, root, sources.WALLPAPER_DIR_ENV, sources.WALLPAPER_PHOTOS, 'wallpaper:',
                           (100, 150, 3), 1, 'backgrounds/mate/nature/Dune.jpg', 2)
    return root
