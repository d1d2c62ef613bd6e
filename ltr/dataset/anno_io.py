"""Reading annotation files of the training datasets, with errors that name the file and line.

Box files hold one box per line, ``x,y,w,h`` in image pixels (0-based top-left corner, width, height).
Values may be separated by commas and/or whitespace; ``NaN`` is accepted (an invalid box).
Label files (GOT-10k ``absence.label`` / ``cover.label``, LaSOT ``full_occlusion.txt`` / ``out_of_view.txt``)
hold integers separated by commas, whitespace or newlines.
"""
import os
import re

import numpy as np
import torch

from ltr.admin.local_settings import SettingsError

__all__ = ['AnnotationFormatError', 'DatasetRootError', 'read_box_file', 'read_int_labels', 'resolve_root',
           'data_specs_dir', 'read_lines']

_SPLIT_RE = re.compile(r'[,\s]+')


class AnnotationFormatError(ValueError):
    """An annotation file exists but its content is malformed."""


class DatasetRootError(SettingsError):
    """A dataset root folder is missing or does not have the expected layout (names the local.py field).

    A subclass of :class:`ltr.admin.local_settings.SettingsError`, like the error raised by
    ``required_path`` for an unset field, so ``except SettingsError`` catches both.
    """


def data_specs_dir():
    """Absolute path of ``ltr/data_specs`` (split files shipped with the code)."""
    return os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data_specs'))


def read_lines(path, what='file'):
    """Non-empty, stripped lines of a text file. Raises FileNotFoundError naming the path."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError("{} not found: '{}'".format(what, path))
    with open(path, 'r') as f:
        return [ln.strip() for ln in f.read().splitlines() if ln.strip()]


def read_box_file(path, num_columns=4):
    """Read a box file. Returns a float32 tensor (N, num_columns), rows [x, y, w, h] in image pixels.

    Raises:
        FileNotFoundError: the file does not exist.
        AnnotationFormatError: a line does not have ``num_columns`` numeric values, or the file has no box;
            the message gives ``path:line`` (1-based line number) and the offending text.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError("Box annotation file not found: '{}'".format(path))
    with open(path, 'r') as f:
        raw_lines = f.read().splitlines()
    # Keep 1-based line numbers of the non-empty lines for error messages.
    numbered = [(i + 1, ln.strip()) for i, ln in enumerate(raw_lines) if ln.strip()]
    if not numbered:
        raise AnnotationFormatError("Box annotation file '{}' is empty; expected one 'x,y,w,h' row per "
                                    "frame".format(path))
    fast = _parse_comma_rows([ln for _, ln in numbered], num_columns)
    if fast is not None:
        return fast
    rows = [_SPLIT_RE.split(ln) for _, ln in numbered]
    for (line_no, ln), row in zip(numbered, rows):
        if len(row) != num_columns:
            raise AnnotationFormatError("{}:{}: expected {} values (x,y,w,h) separated by commas or whitespace, "
                                        "got {}: '{}'".format(path, line_no, num_columns, len(row), ln))
    try:
        arr = np.array(rows, dtype=np.float32)
    except ValueError:
        for (line_no, ln), row in zip(numbered, rows):
            try:
                [float(v) for v in row]
            except ValueError:
                raise AnnotationFormatError("{}:{}: non-numeric value in box row '{}'".format(path, line_no, ln))
        raise
    return torch.from_numpy(arr)


def _parse_comma_rows(lines, num_columns):
    """Fast path for plain 'a,b,c,d' rows (the GOT-10k/LaSOT/TrackingNet format): (N, num_columns) tensor, or None
    when the text needs the general parser (other delimiters, wrong counts, bad values)."""
    if any(' ' in ln or '\t' in ln or ln.count(',') != num_columns - 1 for ln in lines):
        return None
    try:
        flat = np.fromstring(','.join(lines), sep=',', dtype=np.float32)
    except ValueError:
        return None
    if flat.size != num_columns * len(lines):
        return None
    return torch.from_numpy(flat.reshape(len(lines), num_columns))


def read_int_labels(path, expected_len=None, allowed=None):
    """Read integer per-frame labels. Returns an int64 tensor (N,).

    Args:
        expected_len: if given, the number of values must equal it (number of frames / box rows).
        allowed: optional (min, max) inclusive range of allowed values.
    Raises FileNotFoundError / AnnotationFormatError naming the path.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError("Label file not found: '{}'".format(path))
    with open(path, 'r') as f:
        text = f.read().strip()
    tokens = [t for t in _SPLIT_RE.split(text) if t] if text else []
    try:
        values = np.array([int(float(t)) for t in tokens], dtype=np.int64)
    except ValueError:
        bad = next(t for t in tokens if not _is_number(t))
        raise AnnotationFormatError("Label file '{}' holds a non-integer value '{}'".format(path, bad))
    if expected_len is not None and len(values) != expected_len:
        raise AnnotationFormatError("Label file '{}' has {} values but the sequence has {} frames (box rows)"
                                    .format(path, len(values), expected_len))
    if allowed is not None and len(values) > 0:
        lo, hi = allowed
        bad = (values < lo) | (values > hi)
        if bad.any():
            i = int(np.nonzero(bad)[0][0])
            raise AnnotationFormatError("Label file '{}': value {} at position {} (0-based) is outside the allowed "
                                        "range [{}, {}]".format(path, values[i], i, lo, hi))
    return torch.from_numpy(values)


def _is_number(t):
    try:
        float(t)
        return True
    except ValueError:
        return False


def resolve_root(root, field, dataset_name, layout_hint):
    """Return the dataset root folder as a string.

    ``root=None`` reads ``env_settings().<field>`` through ``ltr.admin.environment.required_path`` (which raises an
    error naming the local.py field and file). An explicit ``root`` must be an existing directory, otherwise a
    ``DatasetRootError`` names the local.py field and the expected layout.
    """
    if root is None:
        from ltr.admin.environment import required_path
        return os.fspath(required_path(field))
    root = os.fspath(root)
    if not os.path.isdir(root):
        raise DatasetRootError("{} root '{}' is not an existing directory. Set the local.py field '{}' "
                               "(ltr/admin/local.py) to {}.".format(dataset_name, root, field, layout_hint))
    return root


def root_layout_error(dataset_name, root, field, problem, layout_hint):
    """Build the DatasetRootError raised when a root exists but has the wrong layout."""
    return DatasetRootError("{} root '{}' (local.py field '{}') looks wrong: {}. It must point to {}."
                            .format(dataset_name, root, field, problem, layout_hint))


def box_validity(bbox):
    """``(N,)`` bool: rows of ``(N, 4)`` ``[x, y, w, h]`` boxes that are usable for training: all four values finite
    and ``w, h > 0``. A row such as ``nan,40,18,12`` is therefore an invalid (and invisible) frame: the sampler never
    draws it, instead of crashing later in the crop."""
    import torch
    bbox = torch.as_tensor(bbox)
    return torch.isfinite(bbox).all(dim=1) & (bbox[:, 2] > 0) & (bbox[:, 3] > 0)
