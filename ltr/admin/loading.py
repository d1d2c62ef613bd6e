"""Loading checkpoints and networks (official FCOT/pytracking format, our own, or bare state_dicts).

Checkpoint format (written by the trainer, also by the official code): a ``torch.save``'d dict with
``epoch, actor_type, net_type, net, net_info, constructor, optimizer, stats, settings``; ``net`` is the
state_dict, ``constructor`` a pickled :class:`~ltr.admin.model_constructor.NetConstructor`.

* :func:`torch_load_legacy` reads any such file through the restricted unpickler of
  :mod:`ltr.admin.restricted_pickle` (nothing in the file is executed; unknown classes become placeholders).
* :func:`load_network` rebuilds the network from the checkpoint's constructor and loads the weights strictly.
* :func:`load_weights` loads weights into an existing network.
* :func:`load_dimp50_into_fcot` initialises FCOT's backbone and ``classifier_18`` from a DiMP-50 checkpoint.
"""

import inspect
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ltr.admin.model_constructor import NetConstructor
from ltr.admin.restricted_pickle import LegacyObject, restricted_pickle_module

__all__ = ['torch_load_legacy', 'load_network', 'load_weights', 'load_dimp50_into_fcot', 'resolve_checkpoint_path',
           'check_state_dict', 'CheckpointError', 'StateDictMismatchError', 'Dimp50LoadReport',
           'DEFAULT_CONSTRUCTOR', 'TRUSTED_CONSTRUCTOR_MODULES']

#: Constructor used for a bare state_dict when no ``constructor=`` is given.
DEFAULT_CONSTRUCTOR = NetConstructor('fcotnet', 'ltr.models.tracking.fcotnet', (), {})

#: Module prefixes whose functions a checkpoint's constructor may name (others need ``trusted_modules``).
TRUSTED_CONSTRUCTOR_MODULES = ('ltr.models',)

_LIST_LIMIT = 20


class CheckpointError(RuntimeError):
    """A checkpoint file's content cannot be used."""


class StateDictMismatchError(CheckpointError):
    """The state_dict keys/shapes differ from the network's.

    Attributes ``missing`` (network keys absent from the state_dict), ``unexpected`` (state_dict keys the network
    lacks) and ``shape_mismatches`` (``(key, checkpoint_shape, network_shape)``) hold the full lists.
    """

    def __init__(self, message, missing, unexpected, shape_mismatches):
        super().__init__(message)
        self.missing = missing
        self.unexpected = unexpected
        self.shape_mismatches = shape_mismatches


def _first(items, limit=_LIST_LIMIT):
    items = list(items)
    shown = ', '.join(str(i) for i in items[:limit])
    more = ', ... ({} more)'.format(len(items) - limit) if len(items) > limit else ''
    return '[{}{}]'.format(shown, more)


# ----------------------------------------------------------------------------------------------- reading files
def torch_load_legacy(path, map_location='cpu'):
    """``torch.load`` of a checkpoint through the restricted unpickler (official, old ``dlframework`` or ours).

    Tensors, numpy arrays and plain containers load normally; ``NetConstructor`` loads as ours; any other pickled
    class or function (settings, stats, ``os.system`` ...) loads as an inert
    :class:`~ltr.admin.restricted_pickle.LegacyObject` placeholder. ``path`` may be a path or a binary file.
    """
    if isinstance(path, (str, os.PathLike)):
        path = os.fspath(path)
    return torch.load(path, map_location=map_location, pickle_module=restricted_pickle_module, weights_only=False)


def resolve_checkpoint_path(path_or_name, network_dir=None, checkpoint=None):
    """Find the checkpoint file for :func:`load_network`.

    * An absolute path, or a relative one that exists (from the working directory), is used as is; any other
      relative name is tried in each folder of ``network_dir`` (a path or a list/tuple of paths), in order.
      ``path_or_name=None`` means the ``network_dir`` folders themselves.
    * A directory gives its newest checkpoint: the last ``*.pth.tar`` in name order (the trainer's
      ``<Net>_ep<NNNN>.pth.tar`` names sort by epoch); ``checkpoint=<int>`` picks ``*_ep<NNNN>.pth.tar`` and
      ``checkpoint=<str>`` a file name inside the directory. ``checkpoint`` is not allowed for a file.

    Raises ``FileNotFoundError`` listing every path tried.
    """
    dirs = [] if network_dir is None else (list(network_dir) if isinstance(network_dir, (list, tuple))
                                           else [network_dir])
    dirs = [Path(os.path.expanduser(os.fspath(d))) for d in dirs if d not in (None, '')]
    if path_or_name is None:
        if not dirs:
            raise ValueError('load_network needs a path or name, or network_dir; got neither.')
        candidates = dirs
    else:
        path = Path(os.path.expanduser(os.fspath(path_or_name)))
        candidates = [path]
        if not path.is_absolute() and not path.exists():
            candidates += [d / path for d in dirs]
    tried = []
    for candidate in candidates:
        tried.append(str(candidate))
        if candidate.is_dir():
            return _checkpoint_in_dir(candidate, checkpoint)
        if candidate.is_file():
            if checkpoint is not None:
                raise ValueError('checkpoint={!r} only applies to a directory, but {} is a file.'
                                 .format(checkpoint, candidate))
            return candidate
    raise FileNotFoundError('Network checkpoint {!r} not found. Tried: {}'.format(
        None if path_or_name is None else os.fspath(path_or_name), ', '.join(tried)))


def _checkpoint_in_dir(directory, checkpoint):
    if checkpoint is None:
        files = sorted(directory.glob('*.pth.tar'))
        if not files:
            raise FileNotFoundError('No checkpoint (*.pth.tar) in directory {}.'.format(directory))
        return files[-1]
    if isinstance(checkpoint, bool) or not isinstance(checkpoint, (int, str, os.PathLike)):
        raise TypeError('checkpoint must be None, an epoch number or a file name; got {!r}.'.format(checkpoint))
    if isinstance(checkpoint, int):
        pattern = '*_ep{:04d}.pth.tar'.format(checkpoint)
        files = sorted(directory.glob(pattern))
        if len(files) != 1:
            raise FileNotFoundError('Expected exactly one checkpoint {} in {}; found {}.'
                                    .format(pattern, directory, [f.name for f in files] or 'none'))
        return files[0]
    path = directory / checkpoint
    if not path.is_file():
        raise FileNotFoundError('Checkpoint file {} not found (checkpoint={!r} in directory {}).'
                                .format(path, checkpoint, directory))
    return path


def _split_checkpoint(ckpt, source):
    """(state_dict, constructor or None, net_info) of a loaded checkpoint object."""
    if isinstance(ckpt, Mapping) and 'net' in ckpt and isinstance(ckpt['net'], Mapping):
        return ckpt['net'], ckpt.get('constructor'), ckpt.get('net_info')
    if isinstance(ckpt, Mapping) and ckpt and all(isinstance(v, torch.Tensor) for v in ckpt.values()):
        return ckpt, None, None
    desc = 'dict with keys {}'.format(_first(ckpt.keys())) if isinstance(ckpt, Mapping) else type(ckpt).__name__
    raise CheckpointError('{} is not a network checkpoint: expected a dict with a "net" state_dict, or a bare '
                          'state_dict (str -> tensor); got a {}.'.format(source, desc))


def _strip_module_prefix(state_dict):
    """Remove the ``module.`` prefix that ``nn.DataParallel`` adds, if every key has it."""
    if state_dict and all(isinstance(k, str) and k.startswith('module.') for k in state_dict):
        return type(state_dict)((k[len('module.'):], v) for k, v in state_dict.items())
    return state_dict


# ----------------------------------------------------------------------------------------------- state dicts
def check_state_dict(net, state_dict, source='state_dict'):
    """Raise :class:`StateDictMismatchError` unless ``state_dict`` has exactly ``net``'s keys and shapes.

    The message lists the first 20 missing, unexpected and shape-mismatched keys, with their counts.
    """
    expected = net.state_dict()
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    shapes = [(k, tuple(state_dict[k].shape), tuple(expected[k].shape)) for k in expected
              if k in state_dict and isinstance(state_dict[k], torch.Tensor)
              and tuple(state_dict[k].shape) != tuple(expected[k].shape)]
    if missing or unexpected or shapes:
        parts = []
        if missing:
            parts.append('{} missing key(s) {}'.format(len(missing), _first(missing)))
        if unexpected:
            parts.append('{} unexpected key(s) {}'.format(len(unexpected), _first(unexpected)))
        if shapes:
            parts.append('{} shape mismatch(es) (key, checkpoint, network) {}'.format(len(shapes), _first(shapes)))
        raise StateDictMismatchError('The weights in {} do not match {}: {}.'.format(
            source, type(net).__name__, '; '.join(parts)), missing, unexpected, shapes)


def load_weights(net, path, strict=True):
    """Load the weights of checkpoint ``path`` (official/our format or a bare state_dict) into ``net``.

    With ``strict`` the keys and shapes must match exactly (:class:`StateDictMismatchError` listing the
    differences); otherwise matching keys are loaded and the others ignored. Returns ``net``.
    """
    state_dict, _, _ = _split_checkpoint(torch_load_legacy(path), source=str(path))
    state_dict = _strip_module_prefix(state_dict)
    if strict:
        check_state_dict(net, state_dict, source=str(path))
        net.load_state_dict(state_dict, strict=True)
    else:
        expected = net.state_dict()
        usable = {k: v for k, v in state_dict.items()
                  if k in expected and tuple(v.shape) == tuple(expected[k].shape)}
        net.load_state_dict(usable, strict=False)
    return net


# ----------------------------------------------------------------------------------------------- networks
def _check_trusted(constructor, source, trusted_modules):
    if isinstance(constructor, LegacyObject) or not isinstance(constructor, NetConstructor):
        raise CheckpointError('The "constructor" entry of {} is {!r}, not a NetConstructor; pass constructor= to '
                              'load_network.'.format(source, constructor))
    fun_module = getattr(constructor, 'fun_module', None)
    fun_name = getattr(constructor, 'fun_name', None)
    if not isinstance(fun_module, str) or not isinstance(fun_name, str) or not fun_name.isidentifier():
        raise CheckpointError('Invalid constructor in {}: {!r}.'.format(source, constructor))
    if fun_module == 'dlframework' or fun_module.startswith('dlframework.'):
        fun_module = 'ltr' + fun_module[len('dlframework'):]
    allowed = tuple(TRUSTED_CONSTRUCTOR_MODULES) + tuple(trusted_modules)
    if not any(fun_module == m or fun_module.startswith(m + '.') for m in allowed):
        raise CheckpointError('{} asks to build the network with {}.{}, which is outside the trusted modules {}. '
                              'If you trust this file, pass trusted_modules=({!r},) to load_network.'
                              .format(source, fun_module, constructor.fun_name, list(allowed), fun_module))
    if not isinstance(constructor.kwds, dict) or not all(isinstance(k, str) for k in constructor.kwds):
        raise CheckpointError('Invalid constructor keyword arguments in {}: {!r}.'.format(source, constructor.kwds))
    return NetConstructor(constructor.fun_name, fun_module, tuple(constructor.args), dict(constructor.kwds))


def _accepts_keyword(fun, name):
    try:
        params = inspect.signature(fun).parameters
    except (TypeError, ValueError):
        return False
    return name in params and params[name].kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                    inspect.Parameter.KEYWORD_ONLY)


def load_network(path_or_name, network_dir=None, checkpoint=None, constructor=None, trusted_modules=(),
                 **kw_overrides):
    """Build a network and load a checkpoint's weights into it (strict); returns the net as loaded.

    The checkpoint file is found by :func:`resolve_checkpoint_path` (``network_dir``: folder or list of folders
    for relative names; ``checkpoint``: epoch number or file name when the path is a directory) and read with
    :func:`torch_load_legacy`. The network is built by, in order of preference:

    1. ``constructor=``: a :class:`NetConstructor` or a network-building callable (trusted: it comes from you);
    2. the checkpoint's ``constructor`` entry (official format and ours). Its function must live under
       ``ltr.models`` or a module listed in ``trusted_modules`` (prefix match), since a checkpoint could
       otherwise make us call any function;
    3. for a bare state_dict, :data:`DEFAULT_CONSTRUCTOR` (``ltr.models.tracking.fcotnet.fcotnet``).

    The keyword arguments are the constructor's, with ``backbone_pretrained=False`` forced whenever the building
    function takes that argument (no ImageNet weights are needed: the checkpoint replaces them), then
    ``kw_overrides`` applied on top. Weights are loaded strictly (:class:`StateDictMismatchError` lists missing
    and unexpected keys); a ``module.`` prefix (DataParallel) is removed first. The returned net has
    ``net.constructor`` (the constructor actually used, with the final kwargs) and ``net.info`` (the
    checkpoint's ``net_info`` or None); it is neither moved to a device nor switched to ``eval()``.
    """
    path = resolve_checkpoint_path(path_or_name, network_dir=network_dir, checkpoint=checkpoint)
    if path_or_name is None or Path(os.path.expanduser(os.fspath(path_or_name))) != Path(path):
        print('load_network: using {}'.format(path), file=sys.stderr)   # a folder or search path picked this file
    try:
        ckpt = torch_load_legacy(path)
    except Exception as e:
        raise CheckpointError("Network checkpoint '{}' cannot be read ({}: {})".format(
            path, type(e).__name__, str(e).splitlines()[0] if str(e) else '')) from e
    state_dict, ckpt_constructor, net_info = _split_checkpoint(ckpt, source=str(path))
    state_dict = _strip_module_prefix(state_dict)

    if constructor is None:
        if ckpt_constructor is not None:
            constructor = _check_trusted(ckpt_constructor, str(path), trusted_modules)
        else:
            constructor = DEFAULT_CONSTRUCTOR
    if isinstance(constructor, NetConstructor):
        fun, args, kwds = constructor.function(), tuple(constructor.args), dict(constructor.kwds)
        fun_name, fun_module = constructor.fun_name, constructor.fun_module
    elif callable(constructor):
        fun, args, kwds = constructor, (), {}
        fun_name = getattr(constructor, '__name__', type(constructor).__name__)
        fun_module = getattr(constructor, '__module__', None) or ''
    else:
        raise TypeError('constructor must be a NetConstructor or a callable; got {!r}.'.format(constructor))

    if 'backbone_pretrained' in kwds or _accepts_keyword(fun, 'backbone_pretrained'):
        kwds['backbone_pretrained'] = False
    kwds.update(kw_overrides)

    net = fun(*args, **kwds)
    check_state_dict(net, state_dict, source=str(path))
    net.load_state_dict(state_dict, strict=True)
    net.constructor = NetConstructor(fun_name, fun_module, args, kwds)
    net.info = net_info
    return net


# ----------------------------------------------------------------------------------------------- DiMP-50 -> FCOT
@dataclass
class Dimp50LoadReport:
    """What :func:`load_dimp50_into_fcot` copied.

    ``copied``: ``(fcot_key, dimp_key)`` pairs; ``ignored``: DiMP keys not used (e.g. ``bb_regressor.*``).
    """

    copied: list = field(default_factory=list)
    ignored: list = field(default_factory=list)

    def __str__(self):
        return 'Dimp50LoadReport({} tensors copied, {} DiMP keys ignored)'.format(len(self.copied), len(self.ignored))


#: FCOT key prefix -> DiMP-50 key prefix.
DIMP50_PREFIX_MAP = (('feature_extractor.', 'feature_extractor.'), ('classifier_18.', 'classifier.'))


def load_dimp50_into_fcot(net, path_or_state_dict):
    """Copy DiMP-50 weights into FCOT: ``feature_extractor.*`` → ``feature_extractor.*`` and ``classifier.*``
    → ``classifier_18.*``.

    ``net`` is an FCOT ``nn.Module`` or a state_dict-like dict of tensors (updated in place).
    ``path_or_state_dict`` is a DiMP checkpoint file (official format, ``net`` entry) or a loaded checkpoint dict
    or a bare state_dict. Strict on the mapped prefixes: every FCOT key under them must exist in DiMP with the
    same shape (:class:`StateDictMismatchError` otherwise, before anything is copied). Other DiMP keys
    (``bb_regressor.*`` …) are ignored. Returns a :class:`Dimp50LoadReport`.
    """
    if isinstance(path_or_state_dict, (str, os.PathLike)):
        source = os.fspath(path_or_state_dict)
        ckpt = torch_load_legacy(source)
    else:
        source, ckpt = 'the given DiMP-50 state_dict', path_or_state_dict
    dimp, _, _ = _split_checkpoint(ckpt, source=source)
    dimp = _strip_module_prefix(dimp)

    if isinstance(net, torch.nn.Module):
        target, target_name = net.state_dict(keep_vars=False), type(net).__name__
    elif isinstance(net, Mapping):
        target, target_name = net, 'the given FCOT state_dict'
    else:
        raise TypeError('net must be an nn.Module or a dict of tensors; got {}.'.format(type(net).__name__))

    pairs, missing, shapes = [], [], []
    for key in target:
        for fcot_prefix, dimp_prefix in DIMP50_PREFIX_MAP:
            if key.startswith(fcot_prefix):
                dimp_key = dimp_prefix + key[len(fcot_prefix):]
                if dimp_key not in dimp:
                    missing.append(dimp_key)
                elif tuple(dimp[dimp_key].shape) != tuple(target[key].shape):
                    shapes.append((key, tuple(dimp[dimp_key].shape), tuple(target[key].shape)))
                else:
                    pairs.append((key, dimp_key))
                break
    if not pairs and not missing and not shapes:
        raise StateDictMismatchError('{} has no keys under {}; it is not an FCOT network.'.format(
            target_name, [p for p, _ in DIMP50_PREFIX_MAP]), [], [], [])
    if missing or shapes:
        parts = []
        if missing:
            parts.append('{} DiMP key(s) missing {}'.format(len(missing), _first(missing)))
        if shapes:
            parts.append('{} shape mismatch(es) (fcot key, dimp shape, fcot shape) {}'.format(len(shapes),
                                                                                         _first(shapes)))
        raise StateDictMismatchError('Cannot initialise {} from {}: {}.'.format(target_name, source, '; '.join(parts)),
                                     missing, [], shapes)

    used = set()
    with torch.no_grad():
        for key, dimp_key in pairs:
            target[key].copy_(dimp[dimp_key])
            used.add(dimp_key)
    return Dimp50LoadReport(copied=pairs, ignored=[k for k in dimp if k not in used])
