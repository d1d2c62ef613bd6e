"""Base class of all trackers (pytracking's tracker contract)."""
from typing import Optional


class BaseTracker:
    """A tracker is built from a parameter object and driven frame by frame.

    * ``initialize(image, info) -> dict`` with ``info['init_bbox'] = [x, y, w, h]`` (image pixels, 0-based);
    * ``track(image, info=None) -> dict`` with at least ``'target_bbox'``: ``[x, y, w, h]`` floats.

    ``image`` is an ``(H, W, 3)`` uint8 RGB numpy array.
    """

    def __init__(self, params):
        self.params = params
        self.visdom = None

    def predicts_segmentation_mask(self) -> bool:
        return False

    def initialize(self, image, info: dict) -> dict:
        raise NotImplementedError(f"{type(self).__name__} must implement initialize(image, info)")

    def track(self, image, info: Optional[dict] = None) -> dict:
        raise NotImplementedError(f"{type(self).__name__} must implement track(image, info)")

    def visdom_draw_tracking(self, image, box, segmentation=None):
        """Send the frame and box(es) to visdom (level 1) when a visdom client is attached."""
        if self.visdom is None:
            return
        boxes = box if isinstance(box, (list, tuple)) and box and isinstance(box[0], (list, tuple)) else [box]
        args = (image, *boxes) if segmentation is None else (image, *boxes, segmentation)
        self.visdom.register(args, 'Tracking', 1, 'Tracking')
