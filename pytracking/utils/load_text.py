"""Loading of numeric text files (ground-truth boxes, label rows, results).

``load_text(path, delimiter=' ', dtype=np.float32, backend='numpy')`` reads a
table of numbers. ``delimiter`` may be one delimiter or a tuple/list of
delimiters that are tried in order; ``None`` means "any whitespace". The result
has the shape ``np.loadtxt`` gives: 2-D for several rows, 1-D for a single row
or a single column.

Box files read through this module hold one ``x, y, w, h`` row per frame
(top-left corner, width and height, in image pixels); this module itself is
agnostic of the meaning of the columns.

Errors name the file and, when a line cannot be parsed, the first offending
line number (1-based) and its text for every delimiter that was tried.
"""
import os

import numpy as np

__all__ = ['load_text', 'TextLoadError']


class TextLoadError(ValueError):
    """A text file exists but cannot be parsed as a numeric table."""


def _delimiter_name(delimiter):
    if delimiter is None:
        return 'whitespace'
    return repr(delimiter)


def _split(line, delimiter):
    if delimiter is None:
        return line.split()
    return [field.strip() for field in line.split(delimiter)]


def _diagnose(path, delimiter, dtype):
    """Find the first line that does not parse with ``delimiter``.

    Returns a human readable reason, used only to build error messages.
    """
    with open(path, 'r') as f:
        lines = f.read().splitlines()
    num_cols = None
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = _split(line, delimiter)
        for field in fields:
            try:
                np.array(field, dtype=np.float64).astype(dtype)
            except (ValueError, TypeError, OverflowError):
                return 'line {}: cannot convert {!r} to {} (line text: {!r})'.format(
                    line_no, field, np.dtype(dtype).name, line)
        if num_cols is None:
            num_cols = len(fields)
        elif len(fields) != num_cols:
            return 'line {}: {} columns, but earlier lines have {} (line text: {!r})'.format(
                line_no, len(fields), num_cols, line)
    return 'no offending line found'


def _load_numpy(path, delimiter, dtype):
    return np.loadtxt(path, delimiter=delimiter, dtype=dtype)


def _load_pandas(path, delimiter, dtype):
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError("load_text(backend='pandas') needs the 'pandas' package, which is not "
                          "installed; use backend='numpy' or install pandas") from e
    sep = r'\s+' if delimiter is None else delimiter
    frame = pd.read_csv(path, sep=sep, header=None, dtype=dtype, na_filter=False,
                        low_memory=False, engine='python' if delimiter is None else 'c')
    return frame.values


_BACKENDS = {'numpy': _load_numpy, 'pandas': _load_pandas}


def load_text(path, delimiter=' ', dtype=np.float32, backend='numpy'):
    """Read a numeric table from the text file ``path``.

    args:
        path - the file to read.
        delimiter - a delimiter string, ``None`` (whitespace), or a tuple/list of
                    those tried in order; the first that parses the whole file wins.
        dtype - numpy dtype of the result.
        backend - 'numpy' (``np.loadtxt``) or 'pandas' (``pandas.read_csv``).

    returns:
        np.ndarray, shaped like ``np.loadtxt`` output.

    raises:
        FileNotFoundError - ``path`` does not exist (the message names it).
        TextLoadError - the file is empty or no delimiter parses it; the message
                        names the file and the first bad line per delimiter.
        ValueError - unknown backend.
    """
    if backend not in _BACKENDS:
        raise ValueError("load_text: unknown backend {!r}; allowed: {}".format(
            backend, ', '.join(sorted(_BACKENDS))))
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError("Could not read file '{}': no such file".format(path))
    with open(path, 'r') as f:
        if not f.read().strip():
            raise TextLoadError("Could not read file '{}': the file is empty".format(path))

    delimiters = tuple(delimiter) if isinstance(delimiter, (tuple, list)) else (delimiter,)
    if not delimiters:
        raise ValueError('load_text: empty delimiter tuple for {}'.format(path))
    loader = _BACKENDS[backend]
    for d in delimiters:
        try:
            return loader(path, d, dtype)
        except ValueError:
            continue

    reasons = ['  delimiter {}: {}'.format(_delimiter_name(d), _diagnose(path, d, dtype))
               for d in delimiters]
    raise TextLoadError("Could not read file '{}' as a numeric table with {}:\n{}".format(
        path, ' or '.join(_delimiter_name(d) for d in delimiters), '\n'.join(reasons)))
