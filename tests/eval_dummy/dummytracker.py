"""A deterministic tracker for runner tests.

Output box of frame k (k = 0 is the init frame, boxes [x, y, w, h]):
    [x0 - 1.75 k, y0 + 0.5 k, w0 + 0.3 (k > 0), h0]
so the float results are exact and integer results show truncation towards zero.
An init box of width 13 makes ``initialize`` raise (a scripted failure).
Every ``track`` output also carries extra keys that the runner must ignore.
"""
import numpy as np

FAIL_WIDTH = 13


def expected_box(init_box, k):
    x, y, w, h = init_box
    return [x - 1.75 * k, y + 0.5 * k, w + (0.3 if k > 0 else 0.0), h]


class DummyTracker:
    def __init__(self, params):
        self.params = params
        self.visdom = None

    def initialize(self, image, info):
        if not (isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.ndim == 3
                and image.shape[2] == 3):
            raise TypeError('expected an (H, W, 3) uint8 image, got {!r}'.format(getattr(image, 'shape', image)))
        self.init_box = list(info['init_bbox'])
        if self.init_box[2] == FAIL_WIDTH:
            raise RuntimeError('scripted failure in DummyTracker.initialize')
        self.frame = 0
        return {}

    def track(self, image, info):
        if 'previous_output' not in info:
            raise KeyError('previous_output missing from info')
        self.frame += 1
        return {'target_bbox': expected_box(self.init_box, self.frame),
                'score_map': np.zeros((3, 3)), 'some_debug_value': self.frame}


def get_tracker_class():
    return DummyTracker
