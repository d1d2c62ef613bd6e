"""A restricted unpickler for ``torch.load(..., pickle_module=restricted_pickle_module, weights_only=False)``.

Checkpoints written by the official FCOT/pytracking trainer pickle whole Python objects (the network
constructor, the run settings, training statistics) next to the tensors. Loading them with plain pickle
would import and run whatever the file names. This unpickler resolves only:

* the tensor/storage rebuild machinery of torch, numpy arrays and scalars, and a few inert standard types
  (containers, numbers, ``pathlib`` paths, ``datetime``) — see :data:`ALLOWED_GLOBALS`;
* ``ltr.admin.model_constructor.NetConstructor`` → our :class:`~ltr.admin.model_constructor.NetConstructor`
  (a plain record; nothing is imported or called while loading);
* old ``dlframework.*`` module names are read as ``ltr.*`` (the pre-release package name);
* ``torch.storage._load_from_bytes`` (tensors inside a plain-``pickle`` stream) → a version that loads the
  embedded bytes through this same restricted unpickler.

Every other global — ``ltr.admin.settings.Settings``, ``ltr.admin.local.EnvironmentSettings``,
``ltr.admin.stats.AverageMeter``, but also ``os.system``, ``builtins.eval``, ``subprocess.Popen`` … — becomes
an inert placeholder class (a subclass of :class:`LegacyObject`) that records the module, name, call
arguments and state, and never executes anything. Placeholders built from a state dict expose its entries as
attributes (``ckpt['settings'].env.workspace_dir`` works).
"""

import _compat_pickle
import importlib
import io
import pickle
import types

__all__ = ['LegacyObject', 'RestrictedUnpickler', 'restricted_pickle_module', 'resolve_global', 'ALLOWED_GLOBALS']


class LegacyObject:
    """Inert stand-in for an object whose class (or a function) the restricted unpickler does not load.

    Class attributes ``legacy_module`` / ``legacy_name`` name the original global. Instance attributes
    ``legacy_args`` / ``legacy_kwargs`` hold the arguments the pickle called it with and ``legacy_state``
    the state it restored (a state dict is also merged into the instance's attributes).
    """

    legacy_module = ''
    legacy_name = ''

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        self.__dict__['legacy_args'] = args
        self.__dict__['legacy_kwargs'] = kwargs
        self.__dict__['legacy_state'] = None
        return self

    def __init__(self, *args, **kwargs):
        pass  # arguments were recorded by __new__; nothing is executed

    def __setstate__(self, state):
        self.__dict__['legacy_state'] = state
        dict_state = state[0] if isinstance(state, tuple) and len(state) == 2 else state
        if isinstance(dict_state, dict):
            for key, value in dict_state.items():
                if isinstance(key, str) and key not in ('legacy_args', 'legacy_kwargs', 'legacy_state'):
                    self.__dict__[key] = value

    def __reduce__(self):
        return (_restore_legacy_object, (type(self).legacy_module, type(self).legacy_name, self.legacy_args,
                                         self.legacy_kwargs, self.legacy_state))

    def __repr__(self):
        attrs = sorted(k for k in vars(self) if not k.startswith('legacy_'))
        return '<inert placeholder for {}.{}; attributes: {}>'.format(
            type(self).legacy_module, type(self).legacy_name, ', '.join(attrs) or '-')


_placeholder_classes = {}


def placeholder_class(module, name):
    """The (cached) :class:`LegacyObject` subclass standing for global ``module.name``."""
    key = (str(module), str(name))
    cls = _placeholder_classes.get(key)
    if cls is None:
        cls = type('LegacyObject[{}.{}]'.format(*key), (LegacyObject,),
                   {'legacy_module': key[0], 'legacy_name': key[1], '__module__': __name__})
        _placeholder_classes[key] = cls
    return cls


def _restore_legacy_object(module, name, args, kwargs, state):
    """Rebuild a pickled placeholder (used by :meth:`LegacyObject.__reduce__`)."""
    obj = placeholder_class(module, name).__new__(placeholder_class(module, name), *args, **kwargs)
    if state is not None:
        obj.__setstate__(state)
    return obj


# ----------------------------------------------------------------------------------------------- allow-list
_TORCH_REBUILD = ('_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_parameter',
                  '_rebuild_parameter_with_state', '_rebuild_device_tensor_from_numpy',
                  '_rebuild_meta_tensor_no_storage', '_rebuild_qtensor', '_rebuild_sparse_tensor',
                  '_rebuild_nested_tensor')

#: module -> names that are resolved to the real object (anything else becomes a placeholder).
ALLOWED_GLOBALS = {
    'builtins': ('set', 'frozenset', 'list', 'dict', 'tuple', 'object', 'slice', 'range', 'complex',
                 'bytearray', 'bytes', 'int', 'float', 'bool', 'str'),
    'collections': ('OrderedDict', 'defaultdict', 'Counter', 'deque'),
    'copyreg': ('_reconstructor',),
    '_codecs': ('encode',),
    'datetime': ('datetime', 'date', 'time', 'timedelta', 'timezone'),
    'pathlib': ('PosixPath', 'PurePosixPath', 'PureWindowsPath'),
    'torch': ('Size', 'device', 'Tensor'),
    'torch._utils': _TORCH_REBUILD,
    'torch._tensor': ('_rebuild_from_type', '_rebuild_from_type_v2'),
    'torch.nn.parameter': ('Parameter', 'Buffer'),
    'torch.serialization': ('_get_layout',),
    'torch.storage': ('UntypedStorage', 'TypedStorage'),
    'numpy': ('ndarray', 'dtype'),
    'numpy._core.multiarray': ('_reconstruct', 'scalar'),  # numpy 1.x's numpy.core.*: see _REPLACEMENTS
    'ltr.admin.stats': ('AverageMeter', 'StatValue'),       # training statistics (plain attribute holders)
}

# module renames applied before the allow-list: (old prefix, new prefix)
_MODULE_ALIASES = (('dlframework', 'ltr'),)
# exact replacements: the object returned for these globals
_REPLACEMENTS = {
    ('ltr.admin.model_constructor', 'NetConstructor'): ('ltr.admin.model_constructor', 'NetConstructor'),
    ('pathlib', 'WindowsPath'): ('pathlib', 'PureWindowsPath'),  # WindowsPath cannot be built on POSIX
    ('numpy.core.multiarray', '_reconstruct'): ('numpy._core.multiarray', '_reconstruct'),
    ('numpy.core.multiarray', 'scalar'): ('numpy._core.multiarray', 'scalar'),
}


def _alias_module(module):
    for old, new in _MODULE_ALIASES:
        if module == old or module.startswith(old + '.'):
            return new + module[len(old):]
    return module


def _import_attr(module, name):
    obj = importlib.import_module(module)
    for part in name.split('.'):
        obj = getattr(obj, part)
    return obj


def _torch_special(name):
    """dtypes, layouts, memory formats and storage classes given as ``torch.<name>``; else None."""
    import torch
    if '.' in name or not hasattr(torch, name):
        return None
    obj = getattr(torch, name)
    if isinstance(obj, (torch.dtype, torch.layout, torch.memory_format)):
        return obj
    storage_bases = tuple(c for c in (getattr(torch.storage, '_LegacyStorage', None), torch.storage.TypedStorage,
                                      torch.storage.UntypedStorage) if c is not None)
    if isinstance(obj, type) and issubclass(obj, storage_bases):
        return obj
    return None


def _numpy_dtype_class(name):
    import numpy
    dtypes = getattr(numpy, 'dtypes', None)
    obj = getattr(dtypes, name, None) if dtypes is not None and '.' not in name else None
    if isinstance(obj, type) and issubclass(obj, numpy.dtype):
        return obj
    return None


def resolve_global(module, name):
    """What the restricted unpickler returns for the pickled global ``module.name``.

    Allowed globals are imported and returned; everything else gives :func:`placeholder_class`.
    Python-2 names (``__builtin__``, ``copy_reg``), which appear in protocol-2 pickles such as torch's, are
    mapped as pickle maps them; the result still goes through the allow-list.
    """
    if not isinstance(module, str) or not isinstance(name, str):
        raise pickle.UnpicklingError('Invalid global reference {!r}.{!r} in pickle'.format(module, name))
    module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
    module = _compat_pickle.IMPORT_MAPPING.get(module, module)
    module = _alias_module(module)
    key = (module, name)
    if key == ('ltr.admin.restricted_pickle', '_restore_legacy_object'):
        return _restore_legacy_object
    if key == ('torch.storage', '_load_from_bytes'):
        return _restricted_load_from_bytes
    if key in _REPLACEMENTS:
        target = _REPLACEMENTS[key]
        try:
            return _import_attr(*target)
        except (ImportError, AttributeError):
            if target[0].startswith('numpy._core'):  # numpy 1.x has no numpy._core
                return _import_attr('numpy.core.multiarray', target[1])
            raise
    if name in ALLOWED_GLOBALS.get(module, ()):
        return _import_attr(module, name)
    if module == 'torch':
        special = _torch_special(name)
        if special is not None:
            return special
    if module == 'numpy.dtypes':
        special = _numpy_dtype_class(name)
        if special is not None:
            return special
    return placeholder_class(module, name)


def _buildable_types():
    """Types whose *instances* may receive pickled state (the BUILD opcode): plain data holders only."""
    import collections
    import numpy
    import torch
    from ltr.admin.model_constructor import NetConstructor
    from ltr.admin.stats import AverageMeter, StatValue
    return (LegacyObject, NetConstructor, AverageMeter, StatValue, numpy.ndarray, numpy.dtype, numpy.generic,
            torch.Tensor, collections.OrderedDict, collections.defaultdict, collections.Counter, collections.deque)


class RestrictedUnpickler(pickle._Unpickler):
    """Pure-Python unpickler whose ``find_class`` goes through :func:`resolve_global` and whose BUILD opcode only
    sets state on *instances* of plain data holders (:func:`_buildable_types`).

    The opcode check matters: BUILD with a ``(None, {name: value})`` state calls ``setattr`` on whatever object
    is on the stack, so a pickle that pushes an allowed *class* (``NetConstructor``) and BUILDs it would change
    that class for the rest of the process. Such a pickle is refused with ``UnpicklingError`` before anything is
    set.
    """

    dispatch = dict(pickle._Unpickler.dispatch)

    def find_class(self, module, name):
        return resolve_global(module, name)

    def load_build(self):
        inst = self.stack[-2] if len(self.stack) >= 2 else None
        if isinstance(inst, type) or not isinstance(inst, _buildable_types()):
            what = 'the class {}'.format(inst.__qualname__) if isinstance(inst, type) else \
                'an object of type {}'.format(type(inst).__qualname__)
            raise pickle.UnpicklingError('refused: the pickle sets state on {} (only instances of plain data '
                                         'holders may receive state)'.format(what))
        pickle._Unpickler.load_build(self)

    dispatch[pickle.BUILD[0]] = load_build


def _restricted_load_from_bytes(data):
    """Safe replacement for ``torch.storage._load_from_bytes`` (how plain ``pickle`` stores tensors), which would
    otherwise run an unrestricted ``torch.load`` on the embedded bytes."""
    import torch
    return torch.load(io.BytesIO(data), map_location='cpu', pickle_module=restricted_pickle_module,
                      weights_only=False)


def _load(file, **kwargs):
    """``pickle.load`` through :class:`RestrictedUnpickler`."""
    return RestrictedUnpickler(file, **kwargs).load()


def _loads(data, **kwargs):
    """``pickle.loads`` through :class:`RestrictedUnpickler`."""
    return RestrictedUnpickler(io.BytesIO(data), **kwargs).load()


#: Module object to pass as ``torch.load(..., pickle_module=restricted_pickle_module, weights_only=False)``.
restricted_pickle_module = types.ModuleType('ltr_restricted_pickle', 'Restricted unpickling for torch.load.')
restricted_pickle_module.Unpickler = RestrictedUnpickler
restricted_pickle_module.load = _load
restricted_pickle_module.loads = _loads
restricted_pickle_module.UnpicklingError = pickle.UnpicklingError
restricted_pickle_module.__version__ = '1'
