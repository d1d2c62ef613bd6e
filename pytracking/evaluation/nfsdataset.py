"""Need for Speed, 30 fps version (``nfs_path``).

Layout: ``<nfs_path>/sequences/<Seq>/%05d.jpg`` (frames 1..endFrame) and
``<nfs_path>/anno/nfs_<Seq>.txt`` (tab-delimited [x, y, w, h] rows, image
pixels). Sequence names are ``nfs_<Seq>``. The 100 entries (with their
``occlusion`` flag) come from ``dataset_specs/nfs.tsv``.
"""
from pytracking.evaluation.data import BaseDataset, SequenceList
from pytracking.evaluation.dataset_layout import DatasetRoot
from pytracking.evaluation.sequence_builders import select_by_name, table_sequence
from pytracking.evaluation.sequence_tables import read_sequence_table

__all__ = ['NFSDataset']


class NFSDataset(BaseDataset):
    """NFS (30 fps) evaluation dataset (dataset tag 'nfs').

    args:
        sequences - optional list of sequence names (``nfs_<Seq>``) to keep (default: all 100).
    """

    def __init__(self, sequences=None):
        super().__init__()
        self.root = DatasetRoot(self.env_settings, 'nfs_path',
                                'the NFS folder holding sequences/<Seq>/ and anno/nfs_<Seq>.txt')
        self.base_path = self.root.path
        self.sequence_info_list = select_by_name(read_sequence_table('nfs.tsv'), sequences, 'NFS',
                                                 key=lambda s: s['name'])

    def get_sequence_list(self):
        sequences = SequenceList()
        for info in self.sequence_info_list:
            seq = table_sequence(self.root, info, 'nfs', delimiter='\t')
            seq.occlusion = info.get('occlusion')
            sequences.append(seq)
        return sequences

    def __len__(self):
        return len(self.sequence_info_list)
