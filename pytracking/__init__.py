"""pytracking: online tracking and evaluation (FCOT).

Kept light on purpose: importing the package only pulls in torch (no cv2 / matplotlib).
"""
from pytracking.libs import TensorList, TensorDict

__all__ = ['TensorList', 'TensorDict']
