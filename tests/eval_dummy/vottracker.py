"""A scripted tracker for the VOT reset-protocol tests (tests/test_vot_protocol.py).

It returns its init box for ``FAIL_AFTER - 1`` frames after each (re)initialization, then a box far
outside the image (a failure, overlap 0), then the init box again. Every ``initialize`` call is logged in
``INIT_LOG`` (class attribute: (image shape, init box)).
"""

FAIL_AFTER = 4


class VOTScriptedTracker:
    INIT_LOG = []

    def __init__(self, params):
        self.params = params
        self.visdom = None

    def initialize(self, image, info):
        self.box = list(info['init_bbox'])
        self.since_init = 0
        VOTScriptedTracker.INIT_LOG.append((image.shape, list(self.box)))
        return {}

    def track(self, image, info=None):
        self.since_init += 1
        if self.since_init == FAIL_AFTER:
            return {'target_bbox': [-1000.0, -1000.0, 5.0, 5.0]}
        return {'target_bbox': list(self.box)}


def get_tracker_class():
    return VOTScriptedTracker
