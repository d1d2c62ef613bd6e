"""Distributed (DDP) helpers: read the torchrun environment, initialise and tear down the process group.

Under ``torchrun`` the variables ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` are set; without them training runs
as a single process (world size 1, rank 0).
"""
import os

import torch
import torch.distributed as dist

__all__ = ['DistInfo', 'dist_info_from_env', 'init_distributed', 'cleanup_distributed', 'is_main_process',
           'get_rank', 'get_world_size', 'all_true']


class DistInfo:
    """``rank``, ``world_size``, ``local_rank`` of this process; ``enabled`` when world_size > 1."""

    def __init__(self, rank=0, world_size=1, local_rank=0):
        self.rank, self.world_size, self.local_rank = int(rank), int(world_size), int(local_rank)

    @property
    def enabled(self):
        return self.world_size > 1

    def __repr__(self):
        return 'DistInfo(rank={}, world_size={}, local_rank={})'.format(self.rank, self.world_size, self.local_rank)


def dist_info_from_env(environ=None):
    """Read ``RANK``/``WORLD_SIZE``/``LOCAL_RANK`` (torchrun); defaults to a single process."""
    env = os.environ if environ is None else environ
    try:
        return DistInfo(env.get('RANK', 0), env.get('WORLD_SIZE', 1), env.get('LOCAL_RANK', env.get('RANK', 0)))
    except ValueError as e:
        raise ValueError('Invalid torchrun environment RANK={!r} WORLD_SIZE={!r} LOCAL_RANK={!r}: {}'.format(
            env.get('RANK'), env.get('WORLD_SIZE'), env.get('LOCAL_RANK'), e)) from e


def init_distributed(info, device_type):
    """Initialise the default process group if ``info.enabled`` and not yet initialised.

    Backend: ``nccl`` for CUDA, ``gloo`` otherwise. ``MASTER_ADDR``/``MASTER_PORT`` come from the environment
    (torchrun sets them). Returns True if a process group is active.
    """
    if not info.enabled:
        return False
    if dist.is_initialized():
        return True
    backend = 'nccl' if device_type == 'cuda' else 'gloo'
    for var in ('MASTER_ADDR', 'MASTER_PORT'):
        if var not in os.environ:
            raise RuntimeError('Distributed training (WORLD_SIZE={}) needs the environment variable {}; start the '
                               'run with torchrun'.format(info.world_size, var))
    dist.init_process_group(backend=backend, rank=info.rank, world_size=info.world_size)
    return True


def cleanup_distributed():
    """Destroy the default process group if one is initialised."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def get_rank():
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def get_world_size():
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def is_main_process():
    return get_rank() == 0


def all_true(flag, device):
    """Logical AND of a per-rank bool over all ranks (the flag itself when not distributed)."""
    if get_world_size() == 1:
        return bool(flag)
    t = torch.tensor([1.0 if flag else 0.0], device=device)
    dist.all_reduce(t, op=dist.ReduceOp.MIN)
    return bool(t.item() > 0.5)
