"""Re-export of :mod:`ltr.libs.tensordict` under the pytracking path (``pytracking.libs.tensordict``)."""
from ltr.libs.tensordict import TensorDict

__all__ = ['TensorDict']
