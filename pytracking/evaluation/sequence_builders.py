"""Helpers shared by the dataset classes to build ``Sequence`` objects.

Boxes are ``[x, y, w, h]`` rows in image pixels (top-left corner, width,
height), as stored in the annotation files.
"""
import os

import numpy as np

from pytracking.evaluation.data import Sequence
from pytracking.utils.load_text import load_text

__all__ = ['load_boxes', 'numbered_frames', 'table_sequence', 'select_by_name']


def load_boxes(path, delimiter, num_cols=4):
    """Read an annotation file as an (N, num_cols) float64 array (NaN rows kept).

    A single-row file gives a (1, num_cols) array. Raises ValueError naming the
    file when a row does not have ``num_cols`` values.
    """
    data = load_text(path, delimiter=delimiter, dtype=np.float64)
    data = np.atleast_2d(data)
    if data.shape[1] != num_cols:
        raise ValueError("Annotation file '{}' has {} values per row, expected {}".format(
            path, data.shape[1], num_cols))
    return data


def numbered_frames(folder, ext='.jpg'):
    """Absolute paths of the ``<number><ext>`` files in ``folder``, sorted by number (9 before 10).

    Works for zero-padded (``00000001.jpg``) and unpadded (``10.jpg``) names;
    files whose stem is not a number are ignored. Raises FileNotFoundError
    naming the folder when it holds no such file.
    """
    numbered = []
    for entry in os.listdir(folder):
        stem, e = os.path.splitext(entry)
        if e.lower() == ext and stem.isdigit():
            numbered.append((int(stem), entry))
    if not numbered:
        raise FileNotFoundError("No '<number>{}' frame files in '{}'".format(ext, folder))
    numbered.sort()
    return [os.path.join(folder, entry) for _, entry in numbered]


def table_sequence(root, info, dataset, delimiter):
    """A Sequence from one row of an embedded table (OTB/NFS/UAV layout).

    Frames: ``<root>/<path>/<n:0{nz}d>.<ext>`` for n in
    [startFrame + initOmit, endFrame]; ground truth: ``<root>/<anno_path>``
    without its first ``initOmit`` rows.

    args:
        root - DatasetRoot of the dataset.
        info - a row of ``read_sequence_table`` (dict).
        dataset - the Sequence dataset tag ('otb', 'nfs', 'uav').
        delimiter - annotation delimiter(s) for ``load_text``.
    """
    frame_dir = root.require_dir(root.join(info['path']), "Frame folder of sequence '{}'".format(info['name']))
    anno_path = root.require_file(root.join(info['anno_path']),
                                  "Annotation file of sequence '{}'".format(info['name']))
    init_omit = info.get('initOmit', 0) or 0
    frame_numbers = range(info['startFrame'] + init_omit, info['endFrame'] + 1)
    frames = [os.path.join(frame_dir, '{:0{nz}d}.{ext}'.format(n, nz=info['nz'], ext=info['ext']))
              for n in frame_numbers]
    root.require_file(frames[0], "First frame of sequence '{}'".format(info['name']))
    ground_truth_rect = load_boxes(anno_path, delimiter)[init_omit:, :]
    return Sequence(info['name'], frames, dataset, ground_truth_rect, object_class=info.get('object_class'))


def select_by_name(items, names, dataset_name, key=lambda x: x):
    """The entries of ``items`` whose name (``key(item)``) is in ``names``, in the order of ``names``.

    ``names=None`` keeps all. Raises ValueError listing the unknown names.
    """
    if names is None:
        return list(items)
    if isinstance(names, str):
        names = [names]
    by_name = {key(item): item for item in items}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError("Unknown {} sequence name(s) {}; there are {} sequences, e.g. {}".format(
            dataset_name, unknown, len(by_name), ', '.join(list(by_name)[:5])))
    return [by_name[n] for n in names]
