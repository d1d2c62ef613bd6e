"""VOT2018 short-term set, 60 sequences, run one-pass (OPE) (``vot_path``).

Layout: ``<vot_path>/<seq>/groundtruth.txt`` (comma or whitespace delimited;
8-value polygons x1,y1,...,x4,y4 or 4-value [x, y, w, h] rows, image pixels)
and frames ``<vot_path>/<seq>/color/%08d.jpg`` for 1..N.

Polygons are kept as ``Sequence.ground_truth_poly`` ((N, 8) float64; None for
rectangle files) and converted to their axis-aligned min/max box
[x_min, y_min, x_max - x_min, y_max - y_min] for ``ground_truth_rect``.
This class only builds the sequences; ``run_tracker.py ... --dataset vot`` runs the
restart (supervised) protocol of :mod:`pytracking.evaluation.vot_protocol` on them.
The 60 names come from ``dataset_specs/vot2018.txt``.
"""
import os

import numpy as np

from pytracking.evaluation.data import BaseDataset, Sequence, SequenceList
from pytracking.evaluation.dataset_layout import DatasetRoot
from pytracking.evaluation.sequence_builders import select_by_name
from pytracking.evaluation.sequence_tables import read_name_list
from pytracking.utils.load_text import load_text

__all__ = ['VOTDataset', 'polygons_to_boxes']


def polygons_to_boxes(polygons):
    """(N, 8) polygons [x1, y1, ..., x4, y4] -> (N, 4) min/max boxes [x, y, w, h]."""
    polygons = np.asarray(polygons, dtype=np.float64)
    xs = polygons[:, 0::2]
    ys = polygons[:, 1::2]
    x1, y1 = xs.min(axis=1), ys.min(axis=1)
    x2, y2 = xs.max(axis=1), ys.max(axis=1)
    return np.stack([x1, y1, x2 - x1, y2 - y1], axis=1)


class VOTDataset(BaseDataset):
    """VOT2018 evaluation dataset (dataset tag 'vot').

    args:
        sequences - optional list of sequence names to keep (default: all 60).
    """

    def __init__(self, sequences=None):
        super().__init__()
        self.root = DatasetRoot(self.env_settings, 'vot_path',
                                'the VOT2018 folder holding one folder per sequence (ants1/, ants3/, ...)')
        self.base_path = self.root.path
        self.sequence_list = select_by_name(read_name_list('vot2018.txt'), sequences, 'VOT2018')

    def _construct_sequence(self, name):
        seq_dir = self.root.require_dir(self.root.join(name), "Folder of VOT sequence '{}'".format(name))
        anno_path = self.root.require_file(os.path.join(seq_dir, 'groundtruth.txt'),
                                           "Annotation file of VOT sequence '{}'".format(name))
        gt = np.atleast_2d(load_text(anno_path, delimiter=(',', None), dtype=np.float64))
        if gt.shape[1] == 8:
            polygons, ground_truth_rect = gt, polygons_to_boxes(gt)
        elif gt.shape[1] == 4:
            polygons, ground_truth_rect = None, gt
        else:
            raise ValueError("Annotation file '{}' has {} values per row; expected 8 (polygon) or 4 (box)".format(
                anno_path, gt.shape[1]))
        frames_dir = self.root.require_dir(os.path.join(seq_dir, 'color'),
                                           "Frame folder of VOT sequence '{}'".format(name))
        frames = [os.path.join(frames_dir, '{:08d}.jpg'.format(n)) for n in range(1, gt.shape[0] + 1)]
        seq = Sequence(name, frames, 'vot', ground_truth_rect)
        seq.ground_truth_poly = polygons
        return seq

    def get_sequence_list(self):
        return SequenceList([self._construct_sequence(s) for s in self.sequence_list])

    def __len__(self):
        return len(self.sequence_list)
