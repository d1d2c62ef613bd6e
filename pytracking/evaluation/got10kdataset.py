"""GOT-10k evaluation splits (``got10k_path``).

Layout: ``<got10k_path>/<split>/list.txt`` (one sequence name per line) and
``<got10k_path>/<split>/<seq>/`` holding ``groundtruth.txt`` (comma-delimited
[x, y, w, h] rows, image pixels; for the test split only the first row is
meaningful) and frames ``%08d.jpg`` (listed and sorted numerically).

Splits: 'test' -> ``test/``, 'val' -> ``val/``, 'ltrval' -> the ``train/``
sequences at the indices listed in ``got10k_val_split.txt`` of the
``dataspec_path`` setting (the repo copy is ``ltr/data_specs/``).
"""
import os

from pytracking.evaluation.data import BaseDataset, Sequence, SequenceList, check_sequence_name
from pytracking.evaluation.dataset_layout import DatasetRoot
from pytracking.evaluation.environment import required_path
from pytracking.evaluation.sequence_builders import load_boxes, numbered_frames

__all__ = ['GOT10KDataset', 'read_list_file', 'check_sequence_name']

_SPLIT_FOLDERS = {'test': 'test', 'val': 'val', 'ltrval': 'train'}


def read_list_file(root, list_path, what):
    """The non-empty lines of a ``list.txt`` (checked through ``root``, a DatasetRoot)."""
    root.require_file(list_path, what)
    with open(list_path) as f:
        names = [line.strip() for line in f if line.strip()]
    for name in names:
        check_sequence_name(name, list_path)
    return names




def build_got_layout_sequence(root, base_path, name, dataset):
    """A Sequence from a GOT-10k-layout folder ``<base_path>/<name>/`` (groundtruth.txt + %08d.jpg)."""
    seq_dir = root.require_dir(os.path.join(base_path, name), "Folder of sequence '{}'".format(name))
    anno_path = root.require_file(os.path.join(seq_dir, 'groundtruth.txt'),
                                  "Annotation file of sequence '{}'".format(name))
    ground_truth_rect = load_boxes(anno_path, ',')
    frames = numbered_frames(seq_dir, '.jpg')
    return Sequence(name, frames, dataset, ground_truth_rect)


class GOT10KDataset(BaseDataset):
    """GOT-10k evaluation dataset (dataset tag 'got10k').

    args:
        split - 'test', 'val' or 'ltrval'.
    """

    def __init__(self, split):
        super().__init__()
        if split not in _SPLIT_FOLDERS:
            raise ValueError("GOT10KDataset: unknown split {!r}; allowed: {}".format(
                split, ', '.join(_SPLIT_FOLDERS)))
        self.split = split
        self.root = DatasetRoot(self.env_settings, 'got10k_path',
                                'the GOT-10k folder holding train/, val/ and test/ (each with a list.txt)')
        self.base_path = self.root.join(_SPLIT_FOLDERS[split])
        self.root.require_dir(self.base_path, "GOT-10k split folder '{}'".format(_SPLIT_FOLDERS[split]))
        self.sequence_list = self._get_sequence_list()

    def _get_sequence_list(self):
        names = read_list_file(self.root, os.path.join(self.base_path, 'list.txt'), 'GOT-10k list.txt')
        if self.split != 'ltrval':
            return names
        spec_dir = required_path('dataspec_path', self.env_settings)
        split_file = os.path.join(spec_dir, 'got10k_val_split.txt')
        if not os.path.isfile(split_file):
            raise FileNotFoundError("GOT-10k ltrval split file '{}' not found; the pytracking setting "
                                    "`dataspec_path` must point to ltr/data_specs".format(split_file))
        with open(split_file) as f:
            indices = [line.strip() for line in f if line.strip()]
        selected = []
        for line_no, idx in enumerate(indices, start=1):
            if not idx.isdigit() or int(idx) >= len(names):
                raise ValueError("'{}' line {}: {!r} is not an index into the {} names of '{}'".format(
                    split_file, line_no, idx, len(names), os.path.join(self.base_path, 'list.txt')))
            selected.append(names[int(idx)])
        return selected

    def get_sequence_list(self):
        return SequenceList([build_got_layout_sequence(self.root, self.base_path, s, 'got10k')
                             for s in self.sequence_list])

    def __len__(self):
        return len(self.sequence_list)
