"""Record how a network was built, so that a checkpoint can rebuild it (``net.constructor``).

A network-building function decorated with :func:`model_constructor` returns a net that carries
``net.constructor = NetConstructor(fun_name, fun_module, args, kwds)`` with exactly the positional and keyword
arguments of the call (defaults are not filled in). The trainer pickles that object into the checkpoint, and
:func:`ltr.admin.loading.load_network` calls :meth:`NetConstructor.get` to rebuild the net.
"""

import functools
import importlib

__all__ = ['NetConstructor', 'model_constructor']


class NetConstructor:
    """Calls ``fun_module.fun_name(*args, **kwds)`` on :meth:`get`.

    Args:
        fun_name: name of the network-building function, e.g. ``'fcotnet'``.
        fun_module: dotted module that defines it, e.g. ``'ltr.models.tracking.fcotnet'``.
        args: positional arguments (stored as a tuple).
        kwds: keyword arguments (stored as a dict).
    """

    def __init__(self, fun_name, fun_module, args, kwds):
        self.fun_name = fun_name
        self.fun_module = fun_module
        self.args = tuple(args)
        self.kwds = dict(kwds)

    def function(self):
        """Import ``fun_module`` and return ``fun_name`` from it (``AttributeError`` naming both if absent)."""
        module = importlib.import_module(self.fun_module)
        try:
            return getattr(module, self.fun_name)
        except AttributeError:
            raise AttributeError('Network constructor {!r} not found in module {!r}.'
                                 .format(self.fun_name, self.fun_module)) from None

    def get(self):
        """Build and return the network: ``fun_name(*args, **kwds)``."""
        return self.function()(*self.args, **self.kwds)

    def __eq__(self, other):
        if not isinstance(other, NetConstructor):
            return NotImplemented
        return (self.fun_name, self.fun_module, self.args, self.kwds) == \
               (other.fun_name, other.fun_module, other.args, other.kwds)

    __hash__ = None

    def __repr__(self):
        return 'NetConstructor(fun_name={!r}, fun_module={!r}, args={!r}, kwds={!r})'.format(
            self.fun_name, self.fun_module, self.args, self.kwds)


def model_constructor(f):
    """Decorator: the net returned by ``f(*args, **kwds)`` gets ``net.constructor`` (a :class:`NetConstructor`
    holding ``f``'s name, module and exactly these ``args``/``kwds``)."""

    @functools.wraps(f)
    def wrapper(*args, **kwds):
        net = f(*args, **kwds)
        net.constructor = NetConstructor(f.__name__, f.__module__, args, kwds)
        return net

    return wrapper
