"""Evaluation sequences: ``Sequence``, ``SequenceList`` and ``BaseDataset``.

Box convention everywhere in this module: ``[x, y, w, h]`` with ``(x, y)`` the
top-left corner and ``w, h`` the width and height, in image pixels, exactly as
stored in the dataset annotation files (no -1 / +1 shifts are applied).
Frame indices are 0-based positions in ``Sequence.frames``.
"""
import os
from collections import OrderedDict

import numpy as np

from pytracking.evaluation.environment import env_settings

__all__ = ['Sequence', 'SequenceList', 'BaseDataset']


def _is_dict(x):
    return isinstance(x, (dict, OrderedDict))


def _box_list(box):
    """A box row (array, tensor or list) as a list of 4 python floats."""
    return [float(v) for v in np.asarray(box, dtype=np.float64).reshape(-1)]


def _read_indexed_png(path):
    """An indexed (palette) PNG as an (H, W) uint8 array of object ids."""
    from ltr.data.image_loader import imread_indexed
    return imread_indexed(path)[0]


def check_sequence_name(name, source):
    """Refuse a sequence name that is not one plain path component (``../x``, ``a/b``, ``/abs``, ``.``): result
    files are written under that name, so it must not point outside the results folder."""
    if name in ('.', '..') or os.path.basename(name) != name or '/' in name or '\\' in name or \
            os.path.isabs(name) or '\0' in name:
        raise ValueError("sequence name {!r} in '{}' is not a plain folder name (no path separators, '.' or "
                         "'..')".format(name, source))
    return name


class Sequence:
    """One evaluation video (current pytracking API).

    args:
        name - sequence name (also the stem of its result files).
        frames - list of absolute image paths, one per frame.
        dataset - short dataset tag used by the analysis code ('otb', 'nfs',
                  'uav', 'vot', 'lasot', 'got10k', 'trackingnet', ...).
        ground_truth_rect - (N, 4) float array of [x, y, w, h] rows (NaN rows
                  allowed where the target is absent), or a dict object_id -> array.
        ground_truth_seg - optional list of mask file paths, one per frame.
        init_data - optional dict frame_index -> {'bbox': [x, y, w, h],
                  'mask': path, 'object_ids': ...}. Default: frame 0 with the
                  first ground-truth box (and first mask).
        object_class - class name string, or None.
        target_visible - optional (N,) bool array.
        object_ids - optional list of object ids (multi-object datasets).
        multiobj_mode - True when the tracker receives all objects at once.

    If the earliest init frame is > 0, the sequence is cut so that it starts at
    that frame (frames, ground truth, masks, visibility and init_data keys).
    """

    def __init__(self, name, frames, dataset, ground_truth_rect, ground_truth_seg=None, init_data=None,
                 object_class=None, target_visible=None, object_ids=None, multiobj_mode=False):
        self.name = name
        self.frames = list(frames)
        self.dataset = dataset
        self.ground_truth_rect = ground_truth_rect
        self.ground_truth_seg = ground_truth_seg
        self.object_class = object_class
        self.target_visible = target_visible
        self.object_ids = object_ids
        self.multiobj_mode = multiobj_mode
        self._check_lengths()
        self.init_data = self._construct_init_data(init_data)
        self._ensure_start_frame()

    # ------------------------------------------------------------------ construction
    def _check_lengths(self):
        """Frames and ground truth must pair up: one box row per frame, or a single row (datasets whose ground
        truth is withheld beyond the first frame). Anything else would score frames against the wrong boxes."""
        gt = self.ground_truth_rect
        rows = [np.asarray(v).reshape(-1, 4).shape[0] for v in gt.values()] if _is_dict(gt) else \
            [np.asarray(gt).reshape(-1, 4).shape[0]] if gt is not None else []
        for n in rows:
            if n not in (1, len(self.frames)):
                raise ValueError("Sequence '{}' ({}): {} frames but {} ground-truth rows; they must match (or the "
                                 "ground truth has only the first frame)".format(self.name, self.dataset,
                                                                                 len(self.frames), n))
        if self.target_visible is not None and len(np.asarray(self.target_visible).reshape(-1)) not in (
                len(self.frames),):
            raise ValueError("Sequence '{}' ({}): {} frames but {} visibility flags".format(
                self.name, self.dataset, len(self.frames), len(np.asarray(self.target_visible).reshape(-1))))


    def _single_object_id(self):
        if self.object_ids is not None and len(self.object_ids) != 1:
            raise ValueError("Sequence '{}': single-object mode needs exactly one object id, got {}".format(
                self.name, self.object_ids))
        return None if self.object_ids is None else self.object_ids[0]

    def _construct_init_data(self, init_data):
        if init_data is not None:
            init_data = {int(k): dict(v) for k, v in init_data.items()}
            for frame, init_val in init_data.items():
                bbox = init_val.get('bbox')
                if bbox is None:
                    continue
                if _is_dict(bbox):
                    if self.multiobj_mode:
                        init_val['bbox'] = OrderedDict((obj_id, _box_list(b)) for obj_id, b in bbox.items())
                    else:
                        init_val['bbox'] = _box_list(bbox[self._single_object_id()])
                else:
                    init_val['bbox'] = _box_list(bbox)
            return init_data

        init_data = {0: dict()}
        if self.object_ids is not None:
            init_data[0]['object_ids'] = self.object_ids
        gt = self.ground_truth_rect
        if gt is not None:
            if self.multiobj_mode:
                if not _is_dict(gt):
                    raise ValueError("Sequence '{}': multiobj_mode needs ground_truth_rect as a dict "
                                     "object_id -> (N, 4) array, got {}".format(self.name, type(gt).__name__))
                init_data[0]['bbox'] = OrderedDict((obj_id, _box_list(np.asarray(g)[0])) for obj_id, g in gt.items())
            elif _is_dict(gt):
                init_data[0]['bbox'] = _box_list(np.asarray(gt[self._single_object_id()])[0])
            elif len(gt) > 0:
                init_data[0]['bbox'] = _box_list(np.asarray(gt).reshape(-1, 4)[0])
        if self.ground_truth_seg is not None:
            init_data[0]['mask'] = self.ground_truth_seg[0]
        return init_data

    def _start_frame(self):
        return min(self.init_data.keys())

    def _ensure_start_frame(self):
        start = self._start_frame()
        if start <= 0:
            return
        self.frames = self.frames[start:]
        gt = self.ground_truth_rect
        if gt is not None:
            if _is_dict(gt):
                self.ground_truth_rect = OrderedDict((k, np.asarray(v)[start:]) for k, v in gt.items())
            else:
                self.ground_truth_rect = gt[start:]
        if self.ground_truth_seg is not None:
            self.ground_truth_seg = self.ground_truth_seg[start:]
        if self.target_visible is not None:
            self.target_visible = self.target_visible[start:]
        self.init_data = {frame - start: val for frame, val in self.init_data.items()}

    # ------------------------------------------------------------------ accessors
    def object_init_data(self, frame_num=None):
        """{'init_<key>': value} for the init data of frame ``frame_num`` ({} if none)."""
        if frame_num is None:
            frame_num = self._start_frame()
        if frame_num not in self.init_data:
            return {}
        info = {}
        for key, val in self.init_data[frame_num].items():
            if val is None:
                continue
            info['init_' + key] = val
        mask = info.get('init_mask')
        if isinstance(mask, (str, bytes, os.PathLike)):
            anno = _read_indexed_png(mask)
            if not self.multiobj_mode and self.object_ids is not None:
                anno = (anno == int(self._single_object_id())).astype(np.uint8)
            info['init_mask'] = anno
        if self.object_ids is not None:
            info['object_ids'] = self.object_ids
            info['sequence_object_ids'] = self.object_ids
        return info

    def frame_info(self, frame_num):
        """Init information for frame ``frame_num``, e.g. {'init_bbox': [x, y, w, h]}; {} for other frames."""
        return self.object_init_data(frame_num=frame_num)

    def init_info(self):
        """``frame_info(0)``: what the tracker's ``initialize(image, info)`` receives."""
        return self.frame_info(self._start_frame())

    def init_bbox(self, frame_num=0):
        """The init box [x, y, w, h] of ``frame_num`` (None if that frame has none)."""
        return self.object_init_data(frame_num=frame_num).get('init_bbox')

    def init_mask(self, frame_num=0):
        return self.object_init_data(frame_num=frame_num).get('init_mask')

    def get_bbox(self, frame_num, object_id=None):
        """The ground-truth box [x, y, w, h] of frame ``frame_num`` as a list of floats."""
        gt = self.ground_truth_rect
        if gt is None:
            return None
        if _is_dict(gt):
            if object_id is None:
                object_id = self._single_object_id()
            return _box_list(np.asarray(gt[object_id])[frame_num])
        return _box_list(np.asarray(gt).reshape(-1, 4)[frame_num])

    def get_info(self, keys, frame_num=None):
        info = dict()
        for k in keys:
            val = self.get(k, frame_num=frame_num)
            if val is not None:
                info[k] = val
        return info

    def get(self, name, frame_num=None):
        """Call the accessor method ``name`` (e.g. 'init_bbox'), with ``frame_num`` if given."""
        method = getattr(self, name, None)
        if method is None or not callable(method):
            raise AttributeError("Sequence has no accessor '{}'".format(name))
        if frame_num is None:
            return method()
        return method(frame_num)

    def target_class(self, frame_number=None):
        return self.object_class

    def __repr__(self):
        return 'Sequence {}, length={} frames'.format(self.name, len(self.frames))


class SequenceList(list):
    """A list of ``Sequence`` that can also be indexed by sequence name.

    ``[str]`` -> the Sequence of that name (IndexError if missing);
    ``[int]`` -> one Sequence; ``[list/tuple of int or str]`` or ``[slice]`` -> SequenceList.
    """

    def __getitem__(self, item):
        if isinstance(item, str):
            for seq in self:
                if seq.name == item:
                    return seq
            examples = ', '.join(s.name for s in list(self)[:5])
            raise IndexError("Sequence name not in the dataset: '{}' ({} sequences{})".format(
                item, len(self), '; e.g. ' + examples if examples else ''))
        if isinstance(item, (int, np.integer)):
            return super().__getitem__(int(item))
        if isinstance(item, (tuple, list)):
            return SequenceList([self[i] for i in item])
        return SequenceList(super().__getitem__(item))

    def __add__(self, other):
        return SequenceList(super().__add__(other))

    def copy(self):
        return SequenceList(super().copy())


class BaseDataset:
    """Base class of the evaluation datasets.

    ``__init__`` stores ``self.env_settings = env_settings()`` (the user's local.py).
    Subclasses implement ``get_sequence_list()`` (returning a ``SequenceList``)
    and ``__len__``.
    """

    def __init__(self):
        self.env_settings = env_settings()

    def __len__(self):
        raise NotImplementedError

    def get_sequence_list(self):
        raise NotImplementedError
