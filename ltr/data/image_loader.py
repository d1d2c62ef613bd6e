"""Image loaders for the training datasets.

Every loader returns an ``np.ndarray`` of shape (H, W, 3), dtype uint8, channel order **RGB**.
Unlike the historical pytracking loaders, none of them ever returns ``None``: a missing file raises
``FileNotFoundError`` and an undecodable file raises ``ImageReadError`` (an ``OSError``), both naming
the path.

Backends:
- jpeg4py (libjpeg-turbo through cffi) for ``.jpg``/``.jpeg`` files when the shared library
  ``libturbojpeg`` can be loaded (Debian package ``libturbojpeg0``);
- OpenCV (``cv2.imread``) otherwise. The first fallback emits one ``RuntimeWarning`` per process.
  A JPEG that jpeg4py cannot decode is retried with OpenCV before an error is raised.
Both give identical pixels for baseline JPEGs, so the choice never changes training data.

Public names kept for pytracking compatibility: ``jpeg4py_loader``, ``opencv_loader``,
``jpeg4py_loader_w_failsafe``, ``default_image_loader`` (all equivalent to :func:`imread_rgb`
except ``opencv_loader``, which always uses OpenCV), plus ``imread_indexed`` / ``imwrite_indexed``
for palette PNG masks.
"""
import os
import threading
import warnings

import cv2
import numpy as np

__all__ = ['ImageReadError', 'imread_rgb', 'jpeg4py_loader', 'opencv_loader', 'jpeg4py_loader_w_failsafe',
           'default_image_loader', 'jpeg4py_available', 'imread_indexed', 'imwrite_indexed']

_JPEG_EXTENSIONS = ('.jpg', '.jpeg')

_jpeg4py_state = {'checked': False, 'available': False, 'warned': False}
_state_lock = threading.Lock()


class ImageReadError(OSError):
    """Raised when an image file exists but cannot be decoded."""


def jpeg4py_available():
    """True when jpeg4py is installed and its libjpeg-turbo library loads. Checked once per process."""
    with _state_lock:
        if not _jpeg4py_state['checked']:
            _jpeg4py_state['checked'] = True
            try:
                import jpeg4py
                from jpeg4py import _cffi
                _cffi.initialize()
                _jpeg4py_state['available'] = _cffi.lib is not None
            except Exception:  # ImportError, OSError('Could not load libjpeg-turbo library'), ...
                _jpeg4py_state['available'] = False
        return _jpeg4py_state['available']


def _warn_fallback_once(reason):
    with _state_lock:
        if _jpeg4py_state['warned']:
            return
        _jpeg4py_state['warned'] = True
    warnings.warn('jpeg4py cannot be used ({}); reading JPEG images with OpenCV instead. Install the Debian '
                  'package libturbojpeg0 to use jpeg4py (pixels are identical).'.format(reason),
                  RuntimeWarning, stacklevel=3)


def _check_file(path):
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError("Image file not found: '{}'".format(path))
    if os.path.getsize(path) == 0:
        raise ImageReadError("Image file is empty (0 bytes): '{}'".format(path))
    return path


#: A complete JPEG stream ends with the EOI marker; it must appear within this many bytes of the end of the file.
_JPEG_TAIL_BYTES = 1024


def _check_jpeg_complete(path):
    """Raise ImageReadError naming ``path`` when the JPEG has no end-of-image marker (FF D9) near its end: a file
    cut during download or copy. libjpeg only prints 'Premature end of JPEG file' and returns grey rows, through
    jpeg4py and OpenCV alike, so the check is made on the bytes before decoding."""
    size = os.path.getsize(path)
    with open(path, 'rb') as f:
        f.seek(max(0, size - _JPEG_TAIL_BYTES))
        tail = f.read()
    if b'\xff\xd9' not in tail:
        raise ImageReadError("Truncated JPEG file '{}': no end-of-image marker (FF D9) in its last {} bytes; the "
                             "file is incomplete (re-copy or re-download it)".format(path, min(size,
                                                                                             _JPEG_TAIL_BYTES)))


def _to_rgb3(im, path):
    """Bring a decoded array to (H, W, 3) uint8."""
    if im.ndim == 2:
        im = np.repeat(im[:, :, None], 3, axis=2)
    elif im.ndim == 3 and im.shape[2] == 1:
        im = np.repeat(im, 3, axis=2)
    if im.ndim != 3 or im.shape[2] != 3 or im.dtype != np.uint8:
        raise ImageReadError("Unsupported image format in '{}': decoded array has shape {} and dtype {}, "
                             "expected (H, W, 3) uint8".format(path, im.shape, im.dtype))
    return np.ascontiguousarray(im)


def opencv_loader(path):
    """Read an image with OpenCV. Returns (H, W, 3) uint8 RGB. Raises on missing/corrupt files."""
    path = _check_file(path)
    if path.lower().endswith(_JPEG_EXTENSIONS):
        _check_jpeg_complete(path)
    im = cv2.imread(path, cv2.IMREAD_COLOR)
    if im is None:
        raise ImageReadError("Could not decode image file '{}' (OpenCV cannot read it: corrupt or not an "
                             "image)".format(path))
    return _to_rgb3(cv2.cvtColor(im, cv2.COLOR_BGR2RGB), path)


def _jpeg4py_read(path):
    import jpeg4py
    try:
        im = jpeg4py.JPEG(path).decode()
    except Exception as e:
        raise ImageReadError("Could not decode JPEG file '{}' with jpeg4py: {}".format(path, e)) from e
    return _to_rgb3(im, path)


def imread_rgb(path):
    """Read an image file as an (H, W, 3) uint8 RGB array.

    JPEG files are decoded with jpeg4py when libjpeg-turbo is available, with OpenCV otherwise (warning once).
    Other formats (PNG, ...) are read with OpenCV.

    Raises:
        FileNotFoundError: the file does not exist (message names the path).
        ImageReadError: the file is empty, a truncated JPEG, or cannot be decoded (message names the path).
    """
    path = _check_file(path)
    if path.lower().endswith(_JPEG_EXTENSIONS):
        _check_jpeg_complete(path)
        if jpeg4py_available():
            try:
                return _jpeg4py_read(path)
            except ImageReadError:
                pass  # e.g. an unusual JPEG variant: let OpenCV try (it raises naming the path if it fails too)
        else:
            _warn_fallback_once('libjpeg-turbo library could not be loaded')
    return opencv_loader(path)


# pytracking-compatible aliases. They all raise instead of returning None.
jpeg4py_loader = imread_rgb
jpeg4py_loader_w_failsafe = imread_rgb
default_image_loader = imread_rgb


def imread_indexed(path):
    """Read a palette (indexed) PNG. Returns (H, W) uint8 label indices (not RGB) and the (256, 3) palette."""
    from PIL import Image
    path = _check_file(path)
    try:
        im = Image.open(path)
        im.load()
    except Exception as e:
        raise ImageReadError("Could not decode indexed image '{}': {}".format(path, e)) from e
    if im.mode != 'P':
        raise ImageReadError("Image '{}' has mode {}, expected a palette image (mode 'P')".format(path, im.mode))
    palette = np.array(im.getpalette(), dtype=np.uint8)
    palette = np.pad(palette, (0, max(0, 768 - palette.size)))[:768].reshape(256, 3)
    return np.array(im, dtype=np.uint8), palette


def imwrite_indexed(path, im, palette=None):
    """Write an (H, W) uint8 label array as a palette PNG. ``palette``: (256, 3) uint8 or None (default)."""
    from PIL import Image
    im = np.asarray(im)
    if im.ndim != 2:
        raise ValueError('imwrite_indexed expects an (H, W) array, got shape {}'.format(im.shape))
    out = Image.frombytes('P', (im.shape[1], im.shape[0]), np.ascontiguousarray(im, dtype=np.uint8).tobytes())
    if palette is None:
        palette = np.zeros((256, 3), dtype=np.uint8)
        palette[1] = (255, 0, 0)
        palette[2] = (0, 255, 0)
        palette[3] = (0, 0, 255)
    out.putpalette(np.asarray(palette, dtype=np.uint8).reshape(-1).tolist())
    out.save(os.fspath(path))
