"""MS-COCO as a dataset of 1-frame "sequences" (one per non-crowd instance annotation), read with pycocotools.

Layout (``root`` = the COCO folder, local.py field ``coco_dir``)::

    root/annotations/instances_<split><version>.json     e.g. instances_train2017.json
    root/images/<split><version>/<file_name>             e.g. images/train2017/000000000009.jpg
      (or root/<split><version>/<file_name>, the layout of the official zip files)

Each non-crowd annotation is a sequence of length 1: ``get_sequence_info`` gives a (1, 4) box
(COCO 'bbox' = [x, y, w, h] in image pixels), and ``get_frames`` returns the same image for every requested frame
id (ids are ignored). ``is_video_sequence()`` is False, so samplers use one image for all frames.
"""
import contextlib
import io
import os
from collections import OrderedDict

import numpy as np
import torch

from ltr.data.image_loader import imread_rgb
from ltr.dataset.anno_io import box_validity, resolve_root, root_layout_error
from ltr.dataset.base_video_dataset import BaseVideoDataset, empty_object_meta, subsample_fraction

__all__ = ['MSCOCOSeq']

_LAYOUT_HINT = ("the COCO folder holding annotations/instances_<split><version>.json and "
                "images/<split><version>/ (or <split><version>/)")


class MSCOCOSeq(BaseVideoDataset):
    """COCO instances as 1-frame sequences.

    Args:
        root: COCO root; None reads ``env_settings().coco_dir``.
        image_loader: ``path -> (H, W, 3) uint8 RGB``.
        data_fraction: keep this fraction of the annotations, a fixed subset (seeded with ``data_fraction_seed``).
        split: 'train' or 'val'.
        version: '2017' (FCOT) or '2014'.
        with_mask: also return a (1, H, W) float32 instance mask under 'mask' (pycocotools annToMask).
    """

    def __init__(self, root=None, image_loader=imread_rgb, data_fraction=None, split='train', version='2017',
                 with_mask=False, data_fraction_seed=0):
        root = resolve_root(root, 'coco_dir', 'COCO', _LAYOUT_HINT)
        super().__init__('COCO', root, image_loader)
        if split not in ('train', 'val'):
            raise ValueError("MSCOCOSeq: split must be 'train' or 'val', got {!r}".format(split))
        version = str(version)
        if version not in ('2014', '2017'):
            raise ValueError("MSCOCOSeq: version must be '2014' or '2017', got {!r}".format(version))
        self.split, self.version, self.with_mask = split, version, with_mask

        anno_path = os.path.join(root, 'annotations', 'instances_{}{}.json'.format(split, version))
        if not os.path.isfile(anno_path):
            raise root_layout_error('COCO', root, 'coco_dir', "annotation file '{}' is missing".format(anno_path),
                                    _LAYOUT_HINT)
        candidates = [os.path.join(root, 'images', split + version), os.path.join(root, split + version)]
        img_dirs = [d for d in candidates if os.path.isdir(d)]
        if not img_dirs:
            raise root_layout_error('COCO', root, 'coco_dir', 'no image folder ({} or {})'.format(*candidates),
                                    _LAYOUT_HINT)
        self.img_pth = img_dirs[0]
        self.anno_path = anno_path

        try:
            from pycocotools.coco import COCO
        except ImportError as e:
            raise ImportError('MSCOCOSeq needs pycocotools: pip install pycocotools') from e
        with contextlib.redirect_stdout(io.StringIO()):
            self.coco_set = COCO(anno_path)
        self.cats = self.coco_set.cats

        sequence_list = [a for a in self.coco_set.anns.keys() if not self.coco_set.anns[a].get('iscrowd', 0)]
        sequence_list = subsample_fraction(sequence_list, data_fraction, data_fraction_seed)
        if not sequence_list:
            raise root_layout_error('COCO', root, 'coco_dir', "'{}' holds no non-crowd annotation".format(anno_path),
                                    _LAYOUT_HINT)
        self.sequence_list = sequence_list

        self._seq_per_class = OrderedDict()
        for i, ann_id in enumerate(self.sequence_list):
            self._seq_per_class.setdefault(self._cat_of(ann_id)['name'], []).append(i)
        self.class_list = [c['name'] for c in self.cats.values()]

    def _cat_of(self, ann_id):
        return self.cats[self.coco_set.anns[ann_id]['category_id']]

    def is_video_sequence(self):
        return False

    def get_name(self):
        return 'coco'

    def has_class_info(self):
        return True

    def has_segmentation_info(self):
        return self.with_mask

    def get_sequences_in_class(self, class_name):
        return list(self._seq_per_class.get(class_name, []))

    def get_class_name(self, seq_id):
        self._check_seq_id(seq_id)
        return self._cat_of(self.sequence_list[seq_id])['name']

    def get_sequence_info(self, seq_id):
        """Returns {'bbox': (1, 4) float32 xywh, 'valid': (1,) bool, 'visible': (1,) bool[, 'mask': (1, H, W)]}."""
        self._check_seq_id(seq_id)
        ann = self.coco_set.anns[self.sequence_list[seq_id]]
        bbox = torch.tensor(ann['bbox'], dtype=torch.float32).view(1, 4)
        valid = box_validity(bbox)
        info = {'bbox': bbox, 'valid': valid, 'visible': valid.clone()}
        if self.with_mask:
            info['mask'] = torch.from_numpy(self.coco_set.annToMask(ann).astype(np.float32))[None]
        return info

    def _image_path(self, seq_id):
        ann = self.coco_set.anns[self.sequence_list[seq_id]]
        return os.path.join(self.img_pth, self.coco_set.imgs[ann['image_id']]['file_name'])

    def get_meta_info(self, seq_id):
        cat = self._cat_of(self.sequence_list[seq_id])
        return empty_object_meta(object_class_name=cat['name'], major_class=cat.get('supercategory'))

    def get_frames(self, seq_id, frame_ids, anno=None):
        """The annotation's image repeated ``len(frame_ids)`` times (ids ignored); annotations likewise."""
        self._check_seq_id(seq_id)
        frame = self.image_loader(self._image_path(seq_id))
        frame_list = [frame] + [frame.copy() for _ in frame_ids[1:]]
        if anno is None:
            anno = self.get_sequence_info(seq_id)
        anno_frames = {key: [value[0, ...].clone() for _ in frame_ids] for key, value in anno.items()}
        return frame_list, anno_frames, self.get_meta_info(seq_id)
