"""UAV123 (``uav_path``).

Layout: ``<uav_path>/data_seq/UAV123/<video>/%06d.jpg`` over
[startFrame, endFrame] (split sub-sequences share one folder, e.g.
``uav_car1_2`` is ``car1`` frames 751..1627) and
``<uav_path>/anno/UAV123/<seq>.txt`` (comma-delimited [x, y, w, h] rows,
image pixels; NaN rows where the target is absent are kept as NaN).
Sequence names are ``uav_<seq>``. The 123 entries come from
``dataset_specs/uav.tsv``.
"""
from pytracking.evaluation.data import BaseDataset, SequenceList
from pytracking.evaluation.dataset_layout import DatasetRoot
from pytracking.evaluation.sequence_builders import select_by_name, table_sequence
from pytracking.evaluation.sequence_tables import read_sequence_table

__all__ = ['UAVDataset']


class UAVDataset(BaseDataset):
    """UAV123 evaluation dataset (dataset tag 'uav').

    args:
        sequences - optional list of sequence names (``uav_<seq>``) to keep (default: all 123).
    """

    def __init__(self, sequences=None):
        super().__init__()
        self.root = DatasetRoot(self.env_settings, 'uav_path',
                                'the UAV123 folder holding data_seq/UAV123/<video>/ and anno/UAV123/<seq>.txt')
        self.base_path = self.root.path
        self.sequence_info_list = select_by_name(read_sequence_table('uav.tsv'), sequences, 'UAV123',
                                                 key=lambda s: s['name'])

    def get_sequence_list(self):
        return SequenceList([table_sequence(self.root, s, 'uav', delimiter=',')
                             for s in self.sequence_info_list])

    def __len__(self):
        return len(self.sequence_info_list)
