"""Low-level tracking libraries. ``TensorList``/``TensorDict`` live in ``ltr.libs`` and are re-exported here."""
from ltr.libs.tensorlist import TensorList, tensor_operation
from ltr.libs.tensordict import TensorDict

__all__ = ['TensorList', 'TensorDict', 'tensor_operation']
