"""Re-export of :mod:`ltr.libs.tensorlist` under the pytracking path (``pytracking.libs.tensorlist``)."""
from ltr.libs.tensorlist import TensorList, tensor_operation

__all__ = ['TensorList', 'tensor_operation']
