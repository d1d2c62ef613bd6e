"""``TensorDict``: an ordered dict of tensors (and other values) that behaves like one tensor.

Tensor attributes and methods are broadcast to the values that have them; values without the
attribute (e.g. a list of dataset names) are passed through unchanged::

    data = TensorDict({'train_images': imgs, 'dataset': ['got10k']})
    data = data.to('cuda')        # images moved, 'dataset' kept as is
"""
import copy
from collections import OrderedDict

import torch

__all__ = ['TensorDict']


class TensorDict(OrderedDict):
    """Ordered dict of tensors with attribute broadcast (see module docstring)."""

    def concat(self, other):
        """A new TensorDict with the items of ``self`` then ``other`` (``other`` wins on clashes)."""
        out = TensorDict(self)
        out.update(other)
        return out

    def copy(self):
        """Shallow copy (values are shared)."""
        return TensorDict(super().copy())

    def __deepcopy__(self, memodict={}):
        return TensorDict(copy.deepcopy(list(self.items()), memodict))

    def __getattr__(self, name):
        # Only called when normal lookup fails: broadcast tensor attributes/methods to the values.
        if name.startswith('__') or not hasattr(torch.Tensor, name):
            raise AttributeError(f"'TensorDict' object has no attribute '{name}' "
                                 f"(only torch.Tensor attributes are broadcast to the values)")

        attrs = {key: getattr(value, name) for key, value in self.items() if hasattr(value, name)}
        if not callable(getattr(torch.Tensor, name)):
            # plain attribute (e.g. ``shape``): gathered directly, other values passed through
            return TensorDict({key: attrs.get(key, value) for key, value in self.items()})

        def apply_attr(*args, **kwargs):
            return TensorDict({key: attrs[key](*args, **kwargs) if key in attrs else value
                               for key, value in self.items()})

        return apply_attr

    def attribute(self, attr: str, *args):
        """``TensorDict({k: getattr(v, attr[, default])})``."""
        return TensorDict({key: getattr(value, attr, *args) for key, value in self.items()})

    def apply(self, fn, *args, **kwargs):
        """``TensorDict({k: fn(v, *args, **kwargs)})``."""
        return TensorDict({key: fn(value, *args, **kwargs) for key, value in self.items()})

    @staticmethod
    def _iterable(a):
        return isinstance(a, (TensorDict, list))
