"""Epoch loop, checkpoints and resuming (pytracking ``ltr.trainers.BaseTrainer`` API).

Checkpoint file: ``<workspace_dir>/checkpoints/<project_path>/<NetType>_ep%04d.pth.tar`` (``project_path`` is
``ltr/<module>/<name>``), a ``torch.save``'d dict in the official format (spec §2.2):

``epoch, actor_type, net_type, net`` (state_dict of the unwrapped net), ``net_info, constructor, optimizer,
stats, settings``, plus our extras ``lr_scheduler`` (state_dict), ``grad_scaler`` (state_dict or None),
``rng_state`` (python/numpy/torch/cuda generator states of rank 0) and ``world_size``.

It is written to ``<file>.tmp`` and moved into place with ``os.replace``, so a crash never leaves a truncated
checkpoint under the final name. Only rank 0 writes.
"""
import glob
import os
import random
import re
import traceback

import numpy as np
import torch

from ltr.admin import distributed as dist_utils
from ltr.admin.multigpu import unwrap

__all__ = ['BaseTrainer', 'NonFiniteLossError', 'checkpoint_path', 'list_checkpoints']

_EPOCH_RE = re.compile(r'_ep(\d+)\.pth\.tar$')


class NonFiniteLossError(RuntimeError):
    """The loss became NaN or infinite; training stops (no checkpoint is written for the failing epoch)."""


def checkpoint_path(directory, net_type, epoch):
    """``<directory>/<net_type>_ep%04d.pth.tar``."""
    return os.path.join(directory, '{}_ep{:04d}.pth.tar'.format(net_type, epoch))


def list_checkpoints(directory, net_type):
    """Checkpoint files of ``net_type`` in ``directory`` as a list of ``(epoch, path)``, sorted by epoch."""
    found = []
    for path in glob.glob(os.path.join(glob.escape(directory), '{}_ep*.pth.tar'.format(net_type))):
        m = _EPOCH_RE.search(path)
        if m:
            found.append((int(m.group(1)), path))
    return sorted(found)


def _rng_state():
    state = {'python': random.getstate(), 'numpy': np.random.get_state(), 'torch': torch.get_rng_state()}
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state):
    random.setstate(state['python'])
    np.random.set_state(state['numpy'])
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available() and len(state['cuda']) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state['cuda'])


class BaseTrainer:
    """Runs epochs, saves a checkpoint after each, resumes from the newest one.

    Args:
        actor: an :class:`ltr.actors.BaseActor` (``actor.net`` may be wrapped in DataParallel/DDP).
        loaders: list of :class:`ltr.data.loader.LTRLoader` (each has ``name``, ``training``, ``epoch_interval``).
        optimizer: torch optimizer.
        settings: :class:`ltr.admin.settings.Settings`; uses ``env.workspace_dir``, ``project_path``, ``device``
            (optional), ``use_gpu``.
        lr_scheduler: stepped once per epoch, after the epoch.
    """

    def __init__(self, actor, loaders, optimizer, settings, lr_scheduler=None):
        self.actor = actor
        self.optimizer = optimizer
        self.lr_scheduler = lr_scheduler
        self.loaders = loaders
        self.update_settings(settings)
        self.epoch = 0
        self.stats = {}
        self.grad_scaler = None
        self.device = getattr(settings, 'device', None)
        if self.device is None:
            self.device = torch.device('cuda:0' if torch.cuda.is_available() and settings.use_gpu else 'cpu')
        self.device = torch.device(self.device)
        self.actor.to(self.device)

    @property
    def is_main(self):
        return dist_utils.is_main_process()

    def update_settings(self, settings=None):
        """Set ``self.settings`` and the checkpoint directory (created on rank 0)."""
        if settings is not None:
            self.settings = settings
        ws = getattr(self.settings.env, 'workspace_dir', '')
        if not ws:
            raise ValueError('settings.env.workspace_dir is empty: set workspace_dir in the ltr local settings file '
                             'or pass --workspace_dir')
        self._checkpoint_dir = os.path.join(os.path.expanduser(ws), 'checkpoints', self.settings.project_path)
        if dist_utils.is_main_process():
            os.makedirs(self._checkpoint_dir, exist_ok=True)

    @property
    def checkpoint_dir(self):
        return self._checkpoint_dir

    @property
    def net(self):
        """The unwrapped network."""
        return unwrap(self.actor.net)

    def train(self, max_epochs, load_latest=True, fail_safe=False, max_restarts=10):
        """Train epochs ``self.epoch + 1 .. max_epochs``.

        Args:
            load_latest: first resume from the newest checkpoint in :attr:`checkpoint_dir` (if any).
            fail_safe: on an exception (other than :class:`NonFiniteLossError` / KeyboardInterrupt) print the
                traceback, reload the newest checkpoint and continue, at most ``max_restarts`` times.
        """
        attempts = 0
        while True:
            try:
                if load_latest:
                    self.load_checkpoint()
                for epoch in range(self.epoch + 1, max_epochs + 1):
                    self.epoch = epoch
                    self.train_epoch()
                    if self.lr_scheduler is not None:
                        self.lr_scheduler.step()
                    if self.is_main:
                        self.save_checkpoint()
                    if dist_utils.get_world_size() > 1:
                        torch.distributed.barrier()
                break
            except (NonFiniteLossError, KeyboardInterrupt):
                raise
            except Exception:
                if not fail_safe or attempts >= max_restarts:
                    raise
                attempts += 1
                print('Training crashed at epoch {} (restart {}/{}); traceback:'.format(self.epoch, attempts,
                                                                                       max_restarts))
                print(traceback.format_exc())
                print('Restarting from the latest checkpoint ...')
                load_latest = True
        if self.is_main:
            print('Finished training!')

    def train_epoch(self):
        raise NotImplementedError

    # ------------------------------------------------------------------------------------------ checkpoints
    def checkpoint_state(self):
        """The checkpoint dict of the current epoch (official keys + extras)."""
        net = self.net
        return {
            'epoch': self.epoch,
            'actor_type': type(self.actor).__name__,
            'net_type': type(net).__name__,
            'net': net.state_dict(),
            'net_info': getattr(net, 'info', None),
            'constructor': getattr(net, 'constructor', None),
            'optimizer': self.optimizer.state_dict(),
            'stats': self.stats,
            'settings': self.settings,
            'lr_scheduler': None if self.lr_scheduler is None else self.lr_scheduler.state_dict(),
            'grad_scaler': None if self.grad_scaler is None else self.grad_scaler.state_dict(),
            'rng_state': _rng_state(),
            'world_size': dist_utils.get_world_size(),
        }

    def save_checkpoint(self):
        """Write ``<NetType>_ep%04d.pth.tar`` atomically (temp file + ``os.replace``). Returns the path."""
        state = self.checkpoint_state()
        path = checkpoint_path(self._checkpoint_dir, state['net_type'], self.epoch)
        tmp = path + '.tmp'
        try:
            torch.save(state, tmp)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        return path

    def load_checkpoint(self, checkpoint=None):
        """Resume from a checkpoint: None = the newest in :attr:`checkpoint_dir` (nothing happens if there is none),
        an int epoch, or a file path. Restores net, optimizer, scheduler, grad scaler, stats, epoch and RNG state.
        Returns True if a checkpoint was loaded.

        Files are read through the restricted unpickler (:func:`ltr.admin.loading.torch_load_legacy`): a file dropped
        into the workspace cannot run code. With ``checkpoint=None`` a newest file that cannot be read (truncated,
        corrupt) is skipped with a warning naming it, and the newest readable one is used."""
        from ltr.admin.loading import torch_load_legacy
        net_type = type(self.net).__name__
        if checkpoint is None:
            found = list_checkpoints(self._checkpoint_dir, net_type)
            if not found:
                return False
            state, path, skipped = None, None, []
            for _, candidate in reversed(found):   # newest first; a file that does not load is skipped
                try:
                    state, path = torch_load_legacy(candidate), candidate
                    break
                except Exception as e:
                    skipped.append(candidate)
                    print("Warning: checkpoint '{}' cannot be read ({}: {}); trying the previous one".format(
                        candidate, type(e).__name__, str(e).splitlines()[0] if str(e) else ''))
            if state is None:
                raise RuntimeError('No checkpoint in {} can be read (tried {}); delete them to start over'.format(
                    self._checkpoint_dir, ', '.join(skipped)))
        else:
            if isinstance(checkpoint, int):
                path = checkpoint_path(self._checkpoint_dir, net_type, checkpoint)
            else:
                path = os.path.expanduser(str(checkpoint))
            if not os.path.isfile(path):
                raise FileNotFoundError('Checkpoint not found: {}'.format(path))
            try:
                state = torch_load_legacy(path)
            except Exception as e:
                raise RuntimeError("Checkpoint '{}' cannot be read ({}: {})".format(
                    path, type(e).__name__, str(e).splitlines()[0] if str(e) else '')) from e
        if not isinstance(state, dict):
            raise ValueError("Checkpoint '{}' is not a training checkpoint (a {})".format(path, type(state).__name__))
        absent = [k for k in ('net', 'optimizer', 'epoch') if not isinstance(state.get(k), (dict, int))]
        if absent:
            raise ValueError("Checkpoint '{}' is not a training checkpoint: no usable {}".format(path, absent))
        if state.get('net_type') != net_type:
            raise ValueError("Checkpoint '{}' holds net_type {!r}, the trainer's net is {!r}".format(
                path, state.get('net_type'), net_type))
        self.net.load_state_dict(state['net'])
        self.optimizer.load_state_dict(state['optimizer'])
        if self.lr_scheduler is not None:
            if state.get('lr_scheduler') is not None:
                self.lr_scheduler.load_state_dict(state['lr_scheduler'])
            else:  # official checkpoint without scheduler state
                self.lr_scheduler.last_epoch = state['epoch']
        if self.grad_scaler is not None and state.get('grad_scaler') is not None:
            self.grad_scaler.load_state_dict(state['grad_scaler'])
        self.epoch = int(state['epoch'])
        self.stats = state.get('stats') or {}
        if state.get('rng_state') is not None:
            _set_rng_state(state['rng_state'])
            if dist_utils.get_rank() != 0:
                # checkpoint holds rank 0's state; keep ranks different
                torch.manual_seed(torch.initial_seed() + dist_utils.get_rank() + 1000003 * self.epoch)
        if self.is_main:
            print('Resumed from {} (epoch {})'.format(path, self.epoch))
        return True
