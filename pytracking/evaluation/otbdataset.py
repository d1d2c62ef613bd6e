"""OTB-100 (``otb_path``).

Layout: ``<otb_path>/<Seq>/img/%04d.jpg`` (Board: ``%05d``; KiteSurf:
``KiteSurf/jpg/%04d.png``) for frame numbers startFrame+initOmit .. endFrame,
and ``<otb_path>/<Seq>/groundtruth_rect.txt`` (comma or whitespace delimited
[x, y, w, h] rows, image pixels). Two-target videos are split by name
(Jogging_1/_2 read ``Jogging/groundtruth_rect.1.txt``/``.2.txt``, Skating2_1/_2,
Human4_2). Non-1 start frames (BlurCar1=247, BlurCar3=3, BlurCar4=18,
David=300) keep their original file numbers; Tiger1 drops its first 5 frames
and ground-truth rows (initOmit=5). The 100 entries come from
``dataset_specs/otb.tsv``.
"""
from pytracking.evaluation.data import BaseDataset, SequenceList
from pytracking.evaluation.dataset_layout import DatasetRoot
from pytracking.evaluation.sequence_builders import select_by_name, table_sequence
from pytracking.evaluation.sequence_tables import read_sequence_table

__all__ = ['OTBDataset']


class OTBDataset(BaseDataset):
    """OTB-100 evaluation dataset (dataset tag 'otb').

    args:
        sequences - optional list of sequence names to keep (default: all 100).
    """

    def __init__(self, sequences=None):
        super().__init__()
        self.root = DatasetRoot(self.env_settings, 'otb_path',
                                'the OTB-100 folder holding one folder per video (Basketball/, Biker/, ...)')
        self.base_path = self.root.path
        self.sequence_info_list = select_by_name(read_sequence_table('otb.tsv'), sequences, 'OTB',
                                                 key=lambda s: s['name'])

    def get_sequence_list(self):
        return SequenceList([table_sequence(self.root, s, 'otb', delimiter=(',', None))
                             for s in self.sequence_info_list])

    def __len__(self):
        return len(self.sequence_info_list)
