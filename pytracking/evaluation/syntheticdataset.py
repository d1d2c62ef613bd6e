"""The generated synthetic dataset in GOT-10k layout (``synthetic_path``).

Layout: ``<synthetic_path>/list.txt`` (one sequence name per line) and
``<synthetic_path>/<seq>/`` holding ``groundtruth.txt`` (comma-delimited
[x, y, w, h] rows for every frame, image pixels), frames ``%08d.jpg`` and
optionally ``absence.label`` (one 0/1 per frame; 1 = target absent), which
gives ``target_visible``. All sequences of list.txt are used, with their full
ground truth.
"""
import os

import numpy as np

from pytracking.evaluation.data import BaseDataset, SequenceList
from pytracking.evaluation.dataset_layout import DatasetRoot
from pytracking.evaluation.got10kdataset import build_got_layout_sequence, read_list_file
from pytracking.utils.load_text import load_text

__all__ = ['SyntheticDataset']


class SyntheticDataset(BaseDataset):
    """Synthetic GOT-10k-layout evaluation dataset (dataset tag 'synthetic').

    args:
        path - the dataset folder; None (default) reads ``synthetic_path`` of the pytracking settings file.
    """

    def __init__(self, path=None):
        super().__init__()
        expected = 'the generated synthetic dataset folder holding list.txt and one folder per sequence'
        if path is None:
            self.root = DatasetRoot(self.env_settings, 'synthetic_path', expected)
        else:
            self.root = DatasetRoot.from_folder(path, expected)
        self.base_path = self.root.path
        self.sequence_list = read_list_file(self.root, self.root.join('list.txt'), 'Synthetic dataset list.txt')

    def _construct_sequence(self, name):
        seq = build_got_layout_sequence(self.root, self.base_path, name, 'synthetic')
        absence_path = os.path.join(self.base_path, name, 'absence.label')
        if os.path.isfile(absence_path):
            absence = np.asarray(load_text(absence_path, delimiter=(',', None), dtype=np.float64)).reshape(-1)
            if absence.shape[0] != len(seq.ground_truth_rect):
                raise ValueError("'{}' has {} values but groundtruth.txt has {} rows".format(
                    absence_path, absence.shape[0], len(seq.ground_truth_rect)))
            seq.target_visible = absence == 0
        return seq

    def get_sequence_list(self):
        return SequenceList([self._construct_sequence(s) for s in self.sequence_list])

    def __len__(self):
        return len(self.sequence_list)
