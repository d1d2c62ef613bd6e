"""LaSOT test set, protocol II: 280 sequences, 70 classes x 4 (``lasot_path``).

Layout: ``<lasot_path>/<class>/<class>-<id>/`` holding ``groundtruth.txt``
(comma-delimited [x, y, w, h] rows, image pixels), ``full_occlusion.txt`` and
``out_of_view.txt`` (one comma-separated row of 0/1 per file) and
``img/%08d.jpg`` for frames 1..N (N = number of ground-truth rows).
``target_visible = (full_occlusion == 0) & (out_of_view == 0)``.
The 280 names come from ``dataset_specs/lasot_test.txt``.
"""
import os

import numpy as np

from pytracking.evaluation.data import BaseDataset, Sequence, SequenceList
from pytracking.evaluation.dataset_layout import DatasetRoot
from pytracking.evaluation.sequence_builders import load_boxes, select_by_name
from pytracking.evaluation.sequence_tables import read_name_list
from pytracking.utils.load_text import load_text

__all__ = ['LaSOTDataset']


class LaSOTDataset(BaseDataset):
    """LaSOT test evaluation dataset (dataset tag 'lasot').

    args:
        sequences - optional list of sequence names (e.g. 'airplane-1') to keep (default: all 280).
    """

    def __init__(self, sequences=None):
        super().__init__()
        self.root = DatasetRoot(self.env_settings, 'lasot_path',
                                'the LaSOT folder holding one folder per class (airplane/, basketball/, ...)')
        self.base_path = self.root.path
        self.sequence_list = select_by_name(read_name_list('lasot_test.txt'), sequences, 'LaSOT')

    def _read_flags(self, path, num_frames):
        flags = load_text(self.root.require_file(path, 'LaSOT label file'), delimiter=',', dtype=np.float64)
        flags = np.asarray(flags).reshape(-1)
        if flags.shape[0] != num_frames:
            raise ValueError("'{}' has {} values but groundtruth.txt has {} rows".format(
                path, flags.shape[0], num_frames))
        return flags

    def _construct_sequence(self, sequence_name):
        class_name = sequence_name.rsplit('-', 1)[0]
        seq_dir = self.root.require_dir(self.root.join(class_name, sequence_name),
                                        "Folder of LaSOT sequence '{}'".format(sequence_name))
        anno_path = self.root.require_file(os.path.join(seq_dir, 'groundtruth.txt'),
                                           "Annotation file of LaSOT sequence '{}'".format(sequence_name))
        ground_truth_rect = load_boxes(anno_path, ',')
        num_frames = ground_truth_rect.shape[0]
        full_occlusion = self._read_flags(os.path.join(seq_dir, 'full_occlusion.txt'), num_frames)
        out_of_view = self._read_flags(os.path.join(seq_dir, 'out_of_view.txt'), num_frames)
        target_visible = np.logical_and(full_occlusion == 0, out_of_view == 0)
        frames_dir = self.root.require_dir(os.path.join(seq_dir, 'img'),
                                           "Frame folder of LaSOT sequence '{}'".format(sequence_name))
        frames = [os.path.join(frames_dir, '{:08d}.jpg'.format(n)) for n in range(1, num_frames + 1)]
        return Sequence(sequence_name, frames, 'lasot', ground_truth_rect, object_class=class_name,
                        target_visible=target_visible)

    def get_sequence_list(self):
        return SequenceList([self._construct_sequence(s) for s in self.sequence_list])

    def __len__(self):
        return len(self.sequence_list)
