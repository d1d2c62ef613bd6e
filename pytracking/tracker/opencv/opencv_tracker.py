"""One OpenCV tracker with the ``initialize`` / ``track`` interface of the FCOT tracker.

Frames are RGB ``(H, W, 3)`` uint8 arrays (converted to BGR for OpenCV); boxes are ``[x, y, w, h]`` in image
pixels, 0-based. OpenCV takes integer boxes: the initial box is rounded to whole pixels. When OpenCV reports a
failure, the previous box is kept and the flag is ``'not_found'``.
"""
import time

import cv2
import numpy as np

from pytracking.tracker.fcot.inputs import as_rgb_frame, check_init_box

__all__ = ['OPENCV_TRACKERS', 'OpenCVTracker']


def _factory(*attr_path):
    def make():
        obj = cv2
        for name in attr_path:
            obj = getattr(obj, name, None)
            if obj is None:
                raise ImportError("cv2.{} is not available: install opencv-contrib-python-headless (the OpenCV "
                                  "baseline trackers live in the contrib modules)".format('.'.join(attr_path)))
        return obj()
    return make


#: Tracker name -> constructor of the OpenCV object (default parameters).
OPENCV_TRACKERS = {
    'csrt': _factory('TrackerCSRT', 'create'),
    'kcf': _factory('TrackerKCF', 'create'),
    'mil': _factory('TrackerMIL', 'create'),
    'mosse': _factory('legacy', 'TrackerMOSSE', 'create'),
}


class OpenCVTracker:
    """An OpenCV tracker by name (``'csrt'``, ``'kcf'``, ``'mil'`` or ``'mosse'``)."""

    def __init__(self, name: str):
        key = name.lower()
        if key not in OPENCV_TRACKERS:
            raise ValueError(f"unknown OpenCV tracker {name!r}; allowed: {sorted(OPENCV_TRACKERS)}")
        self.name = key
        self._tracker = None
        self._box = None

    def initialize(self, image, info: dict) -> dict:
        """``info['init_bbox']`` = ``[x, y, w, h]``. Returns ``{'time': seconds}``."""
        tic = time.time()
        image = as_rgb_frame(image)
        x, y, w, h = check_init_box(info['init_bbox'], image.shape[:2])
        self._tracker = OPENCV_TRACKERS[self.name]()
        box = tuple(int(round(v)) for v in (x, y, max(w, 1), max(h, 1)))
        self._tracker.init(np.ascontiguousarray(image[:, :, ::-1]), box)
        self._box = [float(x), float(y), float(w), float(h)]
        return {'time': time.time() - tic}

    def track(self, image, info=None) -> dict:
        """``{'target_bbox': [x, y, w, h], 'flag': 'normal' | 'not_found'}``."""
        if self._tracker is None:
            raise RuntimeError('call initialize() before track()')
        image = as_rgb_frame(image)
        ok, box = self._tracker.update(np.ascontiguousarray(image[:, :, ::-1]))
        if ok:
            self._box = [float(v) for v in box]
        return {'target_bbox': list(self._box), 'flag': 'normal' if ok else 'not_found'}
