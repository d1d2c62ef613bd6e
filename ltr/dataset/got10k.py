"""GOT-10k training set loader (also reads any folder in the GOT-10k layout, e.g. the synthetic dataset).

Layout (``root`` = the ``GOT-10k/train`` folder, local.py field ``got10k_dir``)::

    root/list.txt                       sequence folder names, one per line
    root/<seq>/00000001.jpg ...         frames, 1-based on disk (frame_id 0 -> 00000001.jpg)
    root/<seq>/groundtruth.txt          one 'x,y,w,h' row per frame (image pixels)
    root/<seq>/absence.label            one 0/1 per frame (1: target absent)
    root/<seq>/cover.label              one 0..8 per frame (visible fraction in eighths-like bins; 0: fully covered)
    root/<seq>/meta_info.ini            'key: value' lines (object_class, motion_class, major_class, ...)

Splits are row indices (0-based) into ``list.txt`` stored in ``ltr/data_specs``:
``'train'`` (got10k_train_split.txt), ``'val'`` (got10k_val_split.txt), ``'vottrain'``
(got10k_vot_train_split.txt, VOT-overlapping videos removed) and ``'votval'`` (got10k_vot_val_split.txt).

``visible = (absence == 0) & (cover > 0) & valid`` and ``visible_ratio = cover / 8``.
"""
import os
from collections import OrderedDict


from ltr.data.image_loader import imread_rgb
from ltr.dataset.anno_io import (AnnotationFormatError, box_validity, data_specs_dir, read_box_file, read_int_labels,
                                 read_lines, resolve_root, root_layout_error)
from ltr.dataset.base_video_dataset import BaseVideoDataset, empty_object_meta, load_frames, select_anno_frames, subsample_fraction

__all__ = ['Got10k', 'GOT10K_SPLIT_FILES', 'read_got10k_meta']

GOT10K_SPLIT_FILES = OrderedDict([
    ('train', 'got10k_train_split.txt'),
    ('val', 'got10k_val_split.txt'),
    ('vottrain', 'got10k_vot_train_split.txt'),
    ('votval', 'got10k_vot_val_split.txt'),
])

_META_KEYS = OrderedDict([('object_class', 'object_class_name'), ('motion_class', 'motion_class'),
                          ('major_class', 'major_class'), ('root_class', 'root_class'),
                          ('motion_adverb', 'motion_adverb')])


def read_got10k_meta(seq_path):
    """Object meta of one sequence from ``meta_info.ini``; all fields None when the file is missing."""
    path = os.path.join(seq_path, 'meta_info.ini')
    if not os.path.isfile(path):
        return empty_object_meta()
    values = {}
    with open(path, 'r') as f:
        for ln in f.read().splitlines():
            if ':' in ln:
                key, value = ln.split(':', 1)
                key = key.strip()
                if key in _META_KEYS:
                    values[_META_KEYS[key]] = value.strip()
    return empty_object_meta(**values)


class Got10k(BaseVideoDataset):
    """GOT-10k training dataset.

    Args:
        root: the GOT-10k ``train`` folder (holding ``list.txt``); None reads ``env_settings().got10k_dir``.
        image_loader: ``path -> (H, W, 3) uint8 RGB``.
        split: None (all sequences of ``list.txt``) or one of 'train', 'val', 'vottrain', 'votval'.
        seq_ids: explicit list of row indices into ``list.txt`` (exclusive with ``split``).
        data_fraction: keep this fraction of the sequences, a fixed subset (seeded with ``data_fraction_seed``).
    """
    _root_field = 'got10k_dir'
    _layout_hint = "the GOT-10k 'train' folder holding list.txt and the GOT-10k_Train_XXXXXX sequence folders"

    def __init__(self, root=None, image_loader=imread_rgb, split=None, seq_ids=None, data_fraction=None,
                 data_fraction_seed=0):
        root = resolve_root(root, self._root_field, self._dataset_title(), self._layout_hint)
        super().__init__(self._dataset_title(), root, image_loader)

        list_path = os.path.join(root, 'list.txt')
        if not os.path.isfile(list_path):
            problem = 'no list.txt'
            if os.path.isfile(os.path.join(root, 'train', 'list.txt')):
                problem += " (but '{}' exists: point to the 'train' subfolder)".format(
                    os.path.join(root, 'train', 'list.txt'))
            raise root_layout_error(self._dataset_title(), root, self._root_field, problem, self._layout_hint)
        all_sequences = read_lines(list_path, 'GOT-10k list.txt')
        if not all_sequences:
            raise root_layout_error(self._dataset_title(), root, self._root_field, 'list.txt is empty',
                                    self._layout_hint)

        if split is not None and seq_ids is not None:
            raise ValueError("Got10k: give either split or seq_ids, not both (got split={!r})".format(split))
        if split is not None:
            if split not in GOT10K_SPLIT_FILES:
                raise ValueError("Got10k: unknown split {!r}; allowed: {}".format(split, list(GOT10K_SPLIT_FILES)))
            split_path = os.path.join(data_specs_dir(), GOT10K_SPLIT_FILES[split])
            try:
                seq_ids = [int(v) for v in read_lines(split_path, 'GOT-10k split file')]
            except ValueError as e:
                raise AnnotationFormatError("GOT-10k split file '{}' must hold one integer row index per line: {}"
                                            .format(split_path, e))
            source = "split file '{}'".format(split_path)
        else:
            source = 'seq_ids'
        if seq_ids is None:
            seq_ids = list(range(len(all_sequences)))
        bad = [i for i in seq_ids if not 0 <= i < len(all_sequences)]
        if bad:
            raise root_layout_error(self._dataset_title(), root, self._root_field,
                                    '{} holds index {} but list.txt has only {} entries'.format(
                                        source, bad[0], len(all_sequences)), self._layout_hint)
        self.sequence_list = [all_sequences[i] for i in seq_ids]

        self.sequence_list = subsample_fraction(self.sequence_list, data_fraction, data_fraction_seed)

        first = os.path.join(root, self.sequence_list[0])
        if not os.path.isdir(first):
            raise root_layout_error(self._dataset_title(), root, self._root_field,
                                    "sequence folder '{}' (from list.txt) is missing".format(first),
                                    self._layout_hint)

        self._meta_cache = {}
        self._seq_per_class = None

    # ----------------------------------------------------------------------------------------------- identity
    def _dataset_title(self):
        return 'GOT-10k'

    def get_name(self):
        return 'got10k'

    def has_class_info(self):
        return True

    def has_occlusion_info(self):
        return True

    # ------------------------------------------------------------------------------------------- class info
    def get_sequence_meta(self, seq_id):
        """Object meta (OrderedDict) of a sequence, read from meta_info.ini once and cached."""
        self._check_seq_id(seq_id)
        if seq_id not in self._meta_cache:
            self._meta_cache[seq_id] = read_got10k_meta(self._get_sequence_path(seq_id))
        return self._meta_cache[seq_id]

    def _build_class_index(self):
        if self._seq_per_class is None:
            seq_per_class = OrderedDict()
            for i in range(len(self.sequence_list)):
                seq_per_class.setdefault(self.get_sequence_meta(i)['object_class_name'], []).append(i)
            self._seq_per_class = seq_per_class
            self.class_list = list(seq_per_class.keys())
        return self._seq_per_class

    def get_class_list(self):
        self._build_class_index()
        return self.class_list

    def get_sequences_in_class(self, class_name):
        return list(self._build_class_index().get(class_name, []))

    def get_class_name(self, seq_id):
        return self.get_sequence_meta(seq_id)['object_class_name']

    # ----------------------------------------------------------------------------------------- annotations
    def _get_sequence_path(self, seq_id):
        return os.path.join(self.root, self.sequence_list[seq_id])

    def _get_frame_path(self, seq_path, frame_id):
        return os.path.join(seq_path, '{:08d}.jpg'.format(frame_id + 1))

    def get_sequence_info(self, seq_id):
        """Returns {'bbox': (N, 4) float32 xywh, 'valid': (N,) bool, 'visible': (N,) bool,
        'visible_ratio': (N,) float32 (cover / 8)}."""
        self._check_seq_id(seq_id)
        seq_path = self._get_sequence_path(seq_id)
        if not os.path.isdir(seq_path):
            raise FileNotFoundError("GOT-10k sequence folder not found: '{}' (listed in {})".format(
                seq_path, os.path.join(self.root, 'list.txt')))
        bbox = read_box_file(os.path.join(seq_path, 'groundtruth.txt'))
        self.check_frame_count(seq_path, bbox.shape[0])
        n = bbox.shape[0]
        absence = read_int_labels(os.path.join(seq_path, 'absence.label'), expected_len=n, allowed=(0, 1))
        cover = read_int_labels(os.path.join(seq_path, 'cover.label'), expected_len=n, allowed=(0, 8))
        valid = box_validity(bbox)
        visible = (absence == 0) & (cover > 0) & valid
        return {'bbox': bbox, 'valid': valid, 'visible': visible, 'visible_ratio': cover.float() / 8}

    def get_frames(self, seq_id, frame_ids, anno=None):
        """Frames (H, W, 3) uint8 RGB for 0-based ``frame_ids``; annotations per frame; object meta."""
        seq_path = self._get_sequence_path(seq_id)
        if anno is None:
            anno = self.get_sequence_info(seq_id)
        frame_list = load_frames(self.image_loader, lambda f: self._get_frame_path(seq_path, f), frame_ids)
        return frame_list, select_anno_frames(anno, frame_ids), self.get_sequence_meta(seq_id)
