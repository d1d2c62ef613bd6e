"""``TensorList``: a list of tensors that behaves like one tensor.

Arithmetic (``+ - * / @ %``, unary ``+``/``-``) and comparisons (``< <= > >=``) act element by
element, either with a scalar / single tensor (broadcast to every element) or with another
``TensorList`` / list of the same length (paired element by element). Any attribute or method of
``torch.Tensor`` that the list itself does not define is broadcast to every element and the
results are gathered in a new ``TensorList``::

    tl = TensorList([torch.zeros(2, 3), torch.ones(4)])
    tl.cuda()            # TensorList of the elements moved to the GPU
    tl.shape             # TensorList([torch.Size([2, 3]), torch.Size([4])])
    tl * 2 + tl          # elementwise

``tensor_operation`` lifts a function of tensors to TensorLists (it maps over the first one or two
positional arguments when they are TensorLists, recursively).
"""
import copy
import functools

import torch

__all__ = ['TensorList', 'tensor_operation']


def _paired(other) -> bool:
    """True when ``other`` must be paired element by element (a TensorList or a plain list)."""
    return isinstance(other, (TensorList, list))


class TensorList(list):
    """A list of tensors (or nested TensorLists) with elementwise tensor semantics."""

    def __init__(self, list_of_tensors=None):
        if list_of_tensors is None:
            list_of_tensors = []
        super().__init__(list_of_tensors)

    def __deepcopy__(self, memodict={}):
        return TensorList(copy.deepcopy(list(self), memodict))

    def __getitem__(self, item):
        """``tl[int]`` -> element; ``tl[slice]`` -> TensorList; ``tl[list/tuple of ints]`` -> TensorList
        of those elements (selection, not per-tensor indexing)."""
        if isinstance(item, int):
            return super().__getitem__(item)
        if isinstance(item, (tuple, list)):
            return TensorList([super(TensorList, self).__getitem__(i) for i in item])
        return TensorList(super().__getitem__(item))

    # ---------------------------------------------------------------- elementwise binary operators
    def _binary(self, other, fn):
        if _paired(other):
            if len(other) != len(self):
                raise ValueError(f"TensorList length mismatch: {len(self)} vs {len(other)}")
            return TensorList([fn(e1, e2) for e1, e2 in zip(self, other)])
        return TensorList([fn(e, other) for e in self])

    def _inplace(self, other, fn):
        if _paired(other):
            if len(other) != len(self):
                raise ValueError(f"TensorList length mismatch: {len(self)} vs {len(other)}")
            for i, e2 in enumerate(other):
                self[i] = fn(self[i], e2)
        else:
            for i in range(len(self)):
                self[i] = fn(self[i], other)
        return self

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b)

    def __radd__(self, other):
        return self._binary(other, lambda a, b: b + a)

    def __iadd__(self, other):
        def op(a, b):
            a += b
            return a
        return self._inplace(other, op)

    def __sub__(self, other):
        return self._binary(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return self._binary(other, lambda a, b: b - a)

    def __isub__(self, other):
        def op(a, b):
            a -= b
            return a
        return self._inplace(other, op)

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b)

    def __rmul__(self, other):
        return self._binary(other, lambda a, b: b * a)

    def __imul__(self, other):
        def op(a, b):
            a *= b
            return a
        return self._inplace(other, op)

    def __truediv__(self, other):
        return self._binary(other, lambda a, b: a / b)

    def __rtruediv__(self, other):
        return self._binary(other, lambda a, b: b / a)

    def __itruediv__(self, other):
        def op(a, b):
            a /= b
            return a
        return self._inplace(other, op)

    def __matmul__(self, other):
        return self._binary(other, lambda a, b: a @ b)

    def __rmatmul__(self, other):
        return self._binary(other, lambda a, b: b @ a)

    def __imatmul__(self, other):
        def op(a, b):
            a @= b
            return a
        return self._inplace(other, op)

    def __mod__(self, other):
        return self._binary(other, lambda a, b: a % b)

    def __rmod__(self, other):
        return self._binary(other, lambda a, b: b % a)

    def __pos__(self):
        return TensorList([+e for e in self])

    def __neg__(self):
        return TensorList([-e for e in self])

    def __le__(self, other):
        return self._binary(other, lambda a, b: a <= b)

    def __ge__(self, other):
        return self._binary(other, lambda a, b: a >= b)

    def __lt__(self, other):
        return self._binary(other, lambda a, b: a < b)

    def __gt__(self, other):
        return self._binary(other, lambda a, b: a > b)

    # ---------------------------------------------------------------- list helpers
    def concat(self, other):
        """Concatenate as lists (not tensors): ``TensorList(self + other)``."""
        return TensorList(super().__add__(other if isinstance(other, list) else [other]))

    def copy(self):
        """Shallow copy (the tensors are shared)."""
        return TensorList(super().copy())

    def unroll(self):
        """Flatten nested TensorLists into one flat TensorList."""
        if not any(isinstance(t, TensorList) for t in self):
            return self
        new_list = TensorList()
        for t in self:
            if isinstance(t, TensorList):
                new_list.extend(t.unroll())
            else:
                new_list.append(t)
        return new_list

    def list(self):
        """A plain Python ``list`` with the same elements."""
        return list(self)

    def attribute(self, attr: str, *args):
        """``TensorList([getattr(e, attr[, default]) for e in self])``."""
        return TensorList([getattr(e, attr, *args) for e in self])

    def apply(self, fn, *args, **kwargs):
        """``TensorList([fn(e, *args, **kwargs) for e in self])``."""
        return TensorList([fn(e, *args, **kwargs) for e in self])

    def __getattr__(self, name):
        # Only called when normal lookup fails: broadcast tensor attributes/methods to the elements.
        if name.startswith('__') or not hasattr(torch.Tensor, name):
            raise AttributeError(f"'TensorList' object has no attribute '{name}' "
                                 f"(only torch.Tensor attributes are broadcast to the elements)")
        values = [getattr(e, name) for e in self]
        if callable(getattr(torch.Tensor, name)):
            def apply_attr(*args, **kwargs):
                return TensorList([v(*args, **kwargs) for v in values])
            return apply_attr
        return TensorList(values)


def tensor_operation(op):
    """Decorator lifting ``op(tensor, ...)`` to TensorLists.

    If the first positional argument is a TensorList, ``op`` is mapped over it (paired with the
    second positional argument when that is a TensorList too); if only the second positional
    argument is a TensorList, ``op`` is mapped over that one. Nested TensorLists recurse.
    Otherwise ``op`` is called unchanged.
    """

    @functools.wraps(op)
    def oplist(*args, **kwargs):
        if len(args) == 0:
            raise ValueError(f"{op.__name__}: a tensor_operation needs at least one positional argument")
        first_tl = isinstance(args[0], TensorList)
        second_tl = len(args) > 1 and isinstance(args[1], TensorList)
        if first_tl and second_tl:
            if len(args[0]) != len(args[1]):
                raise ValueError(f"{op.__name__}: TensorList length mismatch {len(args[0])} vs {len(args[1])}")
            return TensorList([oplist(a, b, *args[2:], **kwargs) for a, b in zip(args[0], args[1])])
        if first_tl:
            return TensorList([oplist(a, *args[1:], **kwargs) for a in args[0]])
        if second_tl:
            return TensorList([oplist(args[0], b, *args[2:], **kwargs) for b in args[1]])
        return op(*args, **kwargs)

    return oplist
