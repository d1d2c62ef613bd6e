"""LaSOT training set loader.

Layout (``root`` = the folder holding the 70 class folders, local.py field ``lasot_dir``)::

    root/<class>/<class>-<id>/groundtruth.txt     one 'x,y,w,h' row per frame (image pixels)
    root/<class>/<class>-<id>/full_occlusion.txt  0/1 per frame, one comma-separated row
    root/<class>/<class>-<id>/out_of_view.txt     0/1 per frame, one comma-separated row
    root/<class>/<class>-<id>/img/00000001.jpg    frames, 1-based on disk (frame_id 0 -> 00000001.jpg)

``visible = (full_occlusion == 0) & (out_of_view == 0) & valid``.
"""
import os
from collections import OrderedDict


from ltr.data.image_loader import imread_rgb
from ltr.dataset.anno_io import (box_validity, data_specs_dir, read_box_file, read_int_labels, read_lines, resolve_root,
                                 root_layout_error)
from ltr.dataset.base_video_dataset import BaseVideoDataset, empty_object_meta, load_frames, select_anno_frames, subsample_fraction

__all__ = ['Lasot', 'LASOT_SPLIT_FILES']

LASOT_SPLIT_FILES = OrderedDict([('train', 'lasot_train_split.txt')])

_LAYOUT_HINT = ("the LaSOT folder holding the class folders (e.g. airplane/airplane-1/groundtruth.txt, "
                "airplane/airplane-1/img/00000001.jpg)")


class Lasot(BaseVideoDataset):
    """LaSOT dataset.

    Args:
        root: LaSOT root (class folders); None reads ``env_settings().lasot_dir``.
        image_loader: ``path -> (H, W, 3) uint8 RGB``.
        vid_ids: list of video numbers; selects ``<class>-<id>`` for every class folder found in ``root``.
        split: 'train' (``ltr/data_specs/lasot_train_split.txt``, 1120 names). Exclusive with ``vid_ids``.
            With neither, every ``<class>/<class>-<id>`` folder found under ``root`` is used.
        data_fraction: keep this fraction of the sequences, a fixed subset (seeded with ``data_fraction_seed``).
    """

    def __init__(self, root=None, image_loader=imread_rgb, vid_ids=None, split=None, data_fraction=None,
                 data_fraction_seed=0):
        root = resolve_root(root, 'lasot_dir', 'LaSOT', _LAYOUT_HINT)
        super().__init__('LaSOT', root, image_loader)

        found_classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
        if split is not None and vid_ids is not None:
            raise ValueError("Lasot: give either split or vid_ids, not both (got split={!r})".format(split))
        if split is not None:
            if split not in LASOT_SPLIT_FILES:
                raise ValueError("Lasot: unknown split {!r}; allowed: {}".format(split, list(LASOT_SPLIT_FILES)))
            sequence_list = read_lines(os.path.join(data_specs_dir(), LASOT_SPLIT_FILES[split]), 'LaSOT split file')
        elif vid_ids is not None:
            sequence_list = ['{}-{}'.format(c, v) for c in found_classes for v in vid_ids]
        else:
            sequence_list = sorted((s for c in found_classes for s in os.listdir(os.path.join(root, c))
                                    if s.startswith(c + '-') and os.path.isdir(os.path.join(root, c, s))),
                                   key=_natural_key)
        if not sequence_list:
            raise root_layout_error('LaSOT', root, 'lasot_dir', 'no <class>/<class>-<id> sequence folder found',
                                    _LAYOUT_HINT)
        for name in sequence_list:
            if '-' not in name:
                raise ValueError("LaSOT sequence name '{}' is not of the form <class>-<id>".format(name))

        sequence_list = subsample_fraction(sequence_list, data_fraction, data_fraction_seed)
        self.sequence_list = sequence_list

        first = self._get_sequence_path(0)
        if not os.path.isdir(first):
            raise root_layout_error('LaSOT', root, 'lasot_dir', "sequence folder '{}' is missing".format(first),
                                    _LAYOUT_HINT)

        self.class_list = sorted(set(self._class_of(s) for s in self.sequence_list))
        self._seq_per_class = OrderedDict()
        for i, s in enumerate(self.sequence_list):
            self._seq_per_class.setdefault(self._class_of(s), []).append(i)

    @staticmethod
    def _class_of(seq_name):
        return seq_name.rsplit('-', 1)[0]

    def get_name(self):
        return 'lasot'

    def has_class_info(self):
        return True

    def has_occlusion_info(self):
        return True

    def get_sequences_in_class(self, class_name):
        return list(self._seq_per_class.get(class_name, []))

    def get_class_name(self, seq_id):
        self._check_seq_id(seq_id)
        return self._class_of(self.sequence_list[seq_id])

    def _get_sequence_path(self, seq_id):
        name = self.sequence_list[seq_id]
        return os.path.join(self.root, self._class_of(name), name)

    def _get_frame_path(self, seq_path, frame_id):
        return os.path.join(seq_path, 'img', '{:08d}.jpg'.format(frame_id + 1))

    def get_sequence_info(self, seq_id):
        """Returns {'bbox': (N, 4) float32 xywh, 'valid': (N,) bool, 'visible': (N,) bool}."""
        self._check_seq_id(seq_id)
        seq_path = self._get_sequence_path(seq_id)
        if not os.path.isdir(seq_path):
            raise FileNotFoundError("LaSOT sequence folder not found: '{}'".format(seq_path))
        bbox = read_box_file(os.path.join(seq_path, 'groundtruth.txt'))
        self.check_frame_count(os.path.join(seq_path, 'img'), bbox.shape[0])
        n = bbox.shape[0]
        occlusion = read_int_labels(os.path.join(seq_path, 'full_occlusion.txt'), expected_len=n, allowed=(0, 1))
        out_of_view = read_int_labels(os.path.join(seq_path, 'out_of_view.txt'), expected_len=n, allowed=(0, 1))
        valid = box_validity(bbox)
        visible = (occlusion == 0) & (out_of_view == 0) & valid
        return {'bbox': bbox, 'valid': valid, 'visible': visible}

    def get_frames(self, seq_id, frame_ids, anno=None):
        """Frames (H, W, 3) uint8 RGB for 0-based ``frame_ids``; annotations per frame; object meta."""
        seq_path = self._get_sequence_path(seq_id)
        if anno is None:
            anno = self.get_sequence_info(seq_id)
        frame_list = load_frames(self.image_loader, lambda f: self._get_frame_path(seq_path, f), frame_ids)
        meta = empty_object_meta(object_class_name=self.get_class_name(seq_id))
        return frame_list, select_anno_frames(anno, frame_ids), meta


def _natural_key(name):
    cls, _, num = name.rpartition('-')
    return (cls, int(num)) if num.isdigit() else (cls, 10 ** 9, num)
