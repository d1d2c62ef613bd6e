"""Base class of the training datasets (pytracking ``BaseVideoDataset`` API).

Conventions shared by all subclasses:
- sequences are indexed by ``seq_id`` in ``[0, get_num_sequences())``; frames by 0-based ``frame_id``;
- boxes are float32 ``[x, y, w, h]`` in image pixels (0-based top-left corner, width, height);
- frames are (H, W, 3) uint8 RGB numpy arrays;
- ``get_sequence_info(seq_id)`` returns a dict of per-frame tensors:
  ``'bbox'`` (N, 4) float32, ``'valid'`` (N,) bool (w > 0 and h > 0), ``'visible'`` (N,) bool, and optionally
  ``'visible_ratio'`` (N,) float32 or ``'mask'``;
- ``get_frames(seq_id, frame_ids, anno=None)`` returns ``(frame_list, anno_frames, object_meta)`` where
  ``anno_frames[key]`` is a list with one tensor per requested frame and ``object_meta`` is an OrderedDict with
  ``object_class_name``, ``motion_class``, ``major_class``, ``root_class`` and ``motion_adverb`` (None if unknown).
"""
import os
from collections import OrderedDict

import numpy as np
import torch.utils.data

from ltr.data.image_loader import imread_rgb

__all__ = ['BaseVideoDataset', 'empty_object_meta', 'select_anno_frames', 'load_frames', 'subsample_fraction']


def empty_object_meta(**values):
    """OrderedDict with the five pytracking object-meta keys, None unless given."""
    meta = OrderedDict((k, None) for k in ('object_class_name', 'motion_class', 'major_class', 'root_class',
                                           'motion_adverb'))
    for k, v in values.items():
        if k not in meta:
            raise KeyError("Unknown object meta key '{}'; allowed: {}".format(k, list(meta)))
        meta[k] = v
    return meta


def subsample_fraction(items, data_fraction, seed):
    """A reproducible random subset (original order kept) of ``round(len(items) * data_fraction)`` items
    (at least one); ``data_fraction=None`` keeps everything. ``data_fraction`` must be in (0, 1]."""
    if data_fraction is None:
        return list(items)
    if not 0 < data_fraction <= 1:
        raise ValueError('data_fraction must be in (0, 1], got {}'.format(data_fraction))
    rng = np.random.default_rng(seed)
    n_keep = max(1, int(round(len(items) * data_fraction)))
    keep = np.sort(rng.choice(len(items), n_keep, replace=False))
    return [items[i] for i in keep]


def select_anno_frames(anno, frame_ids):
    """``{key: [anno[key][f].clone() for f in frame_ids]}`` for every per-frame tensor in ``anno``."""
    return {key: [value[f_id, ...].clone() for f_id in frame_ids] for key, value in anno.items()}


def load_frames(image_loader, path_of, frame_ids):
    """Load frames ``path_of(f)`` for ``f in frame_ids``, decoding each distinct frame once.

    Repeated ids get independent copies, so callers may modify the arrays in place.
    """
    cache = {}
    frames = []
    for f_id in frame_ids:
        if f_id in cache:
            frames.append(cache[f_id].copy())
        else:
            cache[f_id] = image_loader(path_of(f_id))
            frames.append(cache[f_id])
    return frames


class BaseVideoDataset(torch.utils.data.Dataset):
    """Base class for video datasets. Subclasses set ``sequence_list`` and ``class_list``.

    Args:
        name: human-readable dataset name (``get_name()`` returns the lowercase id, e.g. 'got10k').
        root: dataset root folder (already validated by the subclass).
        image_loader: callable ``path -> (H, W, 3) uint8 RGB`` (default :func:`ltr.data.image_loader.imread_rgb`).
    """

    def __init__(self, name, root, image_loader=imread_rgb):
        self.name = name
        self.root = root
        self.image_loader = image_loader
        self.sequence_list = []
        self.class_list = []

    def __len__(self):
        """Number of sequences (same as ``get_num_sequences()``)."""
        return self.get_num_sequences()

    def check_frame_count(self, folder, num_boxes, ext='.jpg'):
        """Raise ``AnnotationFormatError`` naming ``folder`` when it does not hold exactly one ``<number><ext>``
        frame per box row: frames and boxes are paired by index, so a missing or extra frame would pair every later
        frame with the wrong box. Counted once per folder (cached)."""
        cache = self.__dict__.setdefault('_frame_counts', {})
        if folder not in cache:
            cache[folder] = sum(1 for f in os.listdir(folder)
                                if f.lower().endswith(ext) and f[:-len(ext)].isdigit()) if os.path.isdir(folder) else 0
        if cache[folder] != num_boxes:
            from ltr.dataset.anno_io import AnnotationFormatError
            raise AnnotationFormatError("Sequence folder '{}' holds {} '*{}' frames but its annotation has {} boxes; "
                                        "they must match".format(folder, cache[folder], ext, num_boxes))

    def __getitem__(self, index):
        """Not used: sample through a sampler (``ltr.data.sampler``)."""
        return None

    def is_video_sequence(self):
        return True

    def is_synthetic_video_dataset(self):
        return False

    def is_mot_dataset(self):
        return False

    def get_name(self):
        raise NotImplementedError

    def get_num_sequences(self):
        return len(self.sequence_list)

    def has_class_info(self):
        return False

    def has_occlusion_info(self):
        return False

    def has_segmentation_info(self):
        return False

    def get_num_classes(self):
        return len(self.get_class_list())

    def get_class_list(self):
        return self.class_list

    def get_sequences_in_class(self, class_name):
        raise NotImplementedError

    def get_class_name(self, seq_id):
        raise NotImplementedError

    def get_sequence_info(self, seq_id):
        """Dict of per-frame tensors: 'bbox' (N, 4) float32 xywh, 'valid' (N,) bool, 'visible' (N,) bool."""
        raise NotImplementedError

    def get_frames(self, seq_id, frame_ids, anno=None):
        """Returns (list of (H, W, 3) uint8 RGB frames, dict key -> list of per-frame tensors, object meta)."""
        raise NotImplementedError

    def _check_seq_id(self, seq_id):
        n = self.get_num_sequences()
        if not 0 <= seq_id < n:
            raise IndexError("{}: seq_id {} out of range [0, {})".format(self.get_name(), seq_id, n))
