"""pytracking: online tracking and evaluation (FCOT).

Kept light on purpose: importing the package only pulls in torch (no cv2 / matplotlib).
"""
from pytracking.libs import TensorList, TensorDict

__all__ = ['TensorList', 'TensorDict']


def make_tracker(*args, **kwargs):
    """Build a tracker without local.py or datasets; see :func:`pytracking.api.make_tracker`."""
    from pytracking.api import make_tracker as _make_tracker
    return _make_tracker(*args, **kwargs)


__all__.append('make_tracker')
