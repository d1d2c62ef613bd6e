"""TrackingNet training set loader.

Layout (``root`` = the TrackingNet folder, local.py field ``trackingnet_dir``)::

    root/TRAIN_<s>/anno/<video>.txt          one 'x,y,w,h' row per frame (image pixels)
    root/TRAIN_<s>/frames/<video>/<k>.jpg    frames, k = frame_id starting at 0, no zero padding

``set_ids`` selects the chunks TRAIN_0..TRAIN_11 (default: all 12). ``visible = valid``.
Class names come from ``ltr/data_specs/trackingnet_classmap.txt`` (``<video>\\t<class>`` per line) when that file
exists; otherwise every class is 'Unknown' and ``has_class_info()`` is False.
"""
import os
from collections import OrderedDict

import numpy as np

from ltr.data.image_loader import imread_rgb
from ltr.dataset.anno_io import box_validity, data_specs_dir, read_box_file, resolve_root, root_layout_error
from ltr.dataset.base_video_dataset import BaseVideoDataset, empty_object_meta, load_frames, select_anno_frames, subsample_fraction

__all__ = ['TrackingNet']

_LAYOUT_HINT = "the TrackingNet folder holding TRAIN_0 ... TRAIN_11 (each with anno/ and frames/)"


class TrackingNet(BaseVideoDataset):
    """TrackingNet dataset.

    Args:
        root: TrackingNet root; None reads ``env_settings().trackingnet_dir``.
        image_loader: ``path -> (H, W, 3) uint8 RGB``.
        set_ids: chunk numbers in 0..11 (default all). FCOT trains on [0, 1, 2, 3].
        data_fraction: keep this fraction of the sequences, a fixed subset (seeded with ``data_fraction_seed``).
    Sequences are ``(set_id, video_name)`` pairs in ``sequence_list``, sorted by set then name.
    """

    def __init__(self, root=None, image_loader=imread_rgb, set_ids=None, data_fraction=None, data_fraction_seed=0):
        root = resolve_root(root, 'trackingnet_dir', 'TrackingNet', _LAYOUT_HINT)
        super().__init__('TrackingNet', root, image_loader)
        if set_ids is None:
            set_ids = list(range(12))
        bad = [s for s in set_ids if not (isinstance(s, (int, np.integer)) and 0 <= s <= 11)]
        if bad:
            raise ValueError('TrackingNet: set_ids must be integers in 0..11, got {}'.format(bad))
        self.set_ids = list(set_ids)

        sequence_list = []
        for s in self.set_ids:
            anno_dir = os.path.join(root, 'TRAIN_{}'.format(s), 'anno')
            frames_dir = os.path.join(root, 'TRAIN_{}'.format(s), 'frames')
            for d in (anno_dir, frames_dir):
                if not os.path.isdir(d):
                    raise root_layout_error('TrackingNet', root, 'trackingnet_dir',
                                            "folder '{}' is missing (set_ids={})".format(d, self.set_ids),
                                            _LAYOUT_HINT)
            names = sorted(f[:-4] for f in os.listdir(anno_dir) if f.endswith('.txt'))
            sequence_list.extend((s, n) for n in names)
        if not sequence_list:
            raise root_layout_error('TrackingNet', root, 'trackingnet_dir', 'no anno/*.txt file in the selected sets',
                                    _LAYOUT_HINT)
        sequence_list = subsample_fraction(sequence_list, data_fraction, data_fraction_seed)
        self.sequence_list = sequence_list

        self._seq_to_class, self._has_classmap = self._load_class_info()
        self._seq_per_class = OrderedDict()
        for i, (_, name) in enumerate(self.sequence_list):
            self._seq_per_class.setdefault(self._seq_to_class.get(name, 'Unknown'), []).append(i)
        self.class_list = list(self._seq_per_class.keys())

    @staticmethod
    def _load_class_info():
        path = os.path.join(data_specs_dir(), 'trackingnet_classmap.txt')
        if not os.path.isfile(path):
            return {}, False
        mapping = {}
        with open(path, 'r') as f:
            for ln in f.read().splitlines():
                parts = ln.strip().split('\t')
                if len(parts) == 2:
                    mapping[parts[0]] = parts[1]
        return mapping, True

    def get_name(self):
        return 'trackingnet'

    def has_class_info(self):
        return self._has_classmap

    def get_sequences_in_class(self, class_name):
        return list(self._seq_per_class.get(class_name, []))

    def get_class_name(self, seq_id):
        self._check_seq_id(seq_id)
        return self._seq_to_class.get(self.sequence_list[seq_id][1], 'Unknown')

    def _anno_path(self, seq_id):
        set_id, name = self.sequence_list[seq_id]
        return os.path.join(self.root, 'TRAIN_{}'.format(set_id), 'anno', name + '.txt')

    def _get_frame_path(self, seq_id, frame_id):
        set_id, name = self.sequence_list[seq_id]
        return os.path.join(self.root, 'TRAIN_{}'.format(set_id), 'frames', name, '{}.jpg'.format(frame_id))

    def get_sequence_info(self, seq_id):
        """Returns {'bbox': (N, 4) float32 xywh, 'valid': (N,) bool, 'visible': (N,) bool (= valid)}."""
        self._check_seq_id(seq_id)
        bbox = read_box_file(self._anno_path(seq_id))
        self.check_frame_count(os.path.dirname(self._get_frame_path(seq_id, 0)), bbox.shape[0])
        valid = box_validity(bbox)
        return {'bbox': bbox, 'valid': valid, 'visible': valid.clone()}

    def get_frames(self, seq_id, frame_ids, anno=None):
        """Frames (H, W, 3) uint8 RGB for 0-based ``frame_ids``; annotations per frame; object meta."""
        if anno is None:
            anno = self.get_sequence_info(seq_id)
        frame_list = load_frames(self.image_loader, lambda f: self._get_frame_path(seq_id, f), frame_ids)
        meta = empty_object_meta(object_class_name=self.get_class_name(seq_id))
        return frame_list, select_anno_frames(anno, frame_ids), meta
