"""TrackingNet test set (``trackingnet_path``).

Layout: ``<trackingnet_path>/TEST/anno/<video>.txt`` (comma-delimited
[x, y, w, h] rows, image pixels; only the first row is given) and
``<trackingnet_path>/TEST/frames/<video>/<k>.jpg`` with k = 0, 1, ... without
zero padding, sorted numerically (``10.jpg`` after ``9.jpg``). The sequence
list is the sorted stems of ``TEST/anno/*.txt`` (511 videos).
"""
import os

from pytracking.evaluation.data import BaseDataset, Sequence, SequenceList
from pytracking.evaluation.dataset_layout import DatasetRoot
from pytracking.evaluation.sequence_builders import load_boxes, numbered_frames

__all__ = ['TrackingNetDataset']


class TrackingNetDataset(BaseDataset):
    """TrackingNet TEST evaluation dataset (dataset tag 'trackingnet')."""

    def __init__(self, set_id='TEST'):
        super().__init__()
        self.root = DatasetRoot(self.env_settings, 'trackingnet_path',
                                'the TrackingNet folder holding TEST/anno/ and TEST/frames/')
        self.set_id = set_id
        self.base_path = self.root.path
        self.anno_dir = self.root.require_dir(self.root.join(set_id, 'anno'), 'TrackingNet annotation folder')
        self.frames_dir = self.root.require_dir(self.root.join(set_id, 'frames'), 'TrackingNet frame folder')
        self.sequence_list = sorted(os.path.splitext(f)[0] for f in os.listdir(self.anno_dir) if f.endswith('.txt'))

    def _construct_sequence(self, name):
        ground_truth_rect = load_boxes(os.path.join(self.anno_dir, name + '.txt'), ',')
        frame_dir = self.root.require_dir(os.path.join(self.frames_dir, name),
                                          "Frame folder of TrackingNet video '{}'".format(name))
        return Sequence(name, numbered_frames(frame_dir, '.jpg'), 'trackingnet', ground_truth_rect)

    def get_sequence_list(self):
        return SequenceList([self._construct_sequence(s) for s in self.sequence_list])

    def __len__(self):
        return len(self.sequence_list)
