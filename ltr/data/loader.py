"""``LTRLoader``: a ``torch.utils.data.DataLoader`` that collates TensorDicts, stacking on a chosen dimension.

With ``stack_dim=1`` (FCOT / DiMP sequence mode) a batch of B samples whose 'train_images' are (3, 3, 288, 288)
becomes (3, B, 3, 288, 288): frames first, batch second. Collation rules (recursive):

- tensors (and numpy arrays, converted) are stacked on ``stack_dim`` (0-dim tensors on dim 0);
- int -> int64 tensor (B,), float -> float64 tensor (B,), bool -> bool tensor (B,);
- str and None -> list of the B values;
- TensorDict / Mapping -> same type with every key collated; TensorList / sequences -> element-wise.
"""
import collections.abc
import functools
import random

import numpy as np
import torch
import torch.utils.data

from ltr.libs.tensordict import TensorDict

__all__ = ['LTRLoader', 'ltr_collate', 'ltr_collate_stack1', 'seed_worker']


def _stack(batch, dim):
    elem = batch[0]
    dim = min(dim, elem.dim())
    out = None
    if torch.utils.data.get_worker_info() is not None:
        # In a worker process: stack directly into shared memory to avoid one copy when sending the batch.
        numel = sum(x.numel() for x in batch)
        shape = list(elem.shape)
        shape.insert(dim, len(batch))
        storage = elem._typed_storage()._new_shared(numel, device=elem.device)
        out = elem.new(storage).resize_(shape)
    return torch.stack(batch, dim, out=out)


def _tensorlist_type():
    try:
        from ltr.libs.tensorlist import TensorList
        return TensorList
    except ImportError:  # pragma: no cover
        return None


def ltr_collate(batch, stack_dim=0):
    """Collate a list of samples (see the module docstring), stacking tensors on ``stack_dim``."""
    elem = batch[0]
    if torch.is_tensor(elem):
        return _stack(batch, stack_dim)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in 'USO':
            return list(batch)
        return _stack([torch.from_numpy(np.ascontiguousarray(b)) for b in batch], stack_dim)
    if isinstance(elem, np.generic):
        return torch.as_tensor(np.array(batch))
    if isinstance(elem, bool):
        return torch.tensor(batch, dtype=torch.bool)
    if isinstance(elem, int):
        return torch.tensor(batch, dtype=torch.int64)
    if isinstance(elem, float):
        return torch.tensor(batch, dtype=torch.float64)
    if elem is None or isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, TensorDict):
        return TensorDict({key: ltr_collate([d[key] for d in batch], stack_dim) for key in elem})
    if isinstance(elem, collections.abc.Mapping):
        return {key: ltr_collate([d[key] for d in batch], stack_dim) for key in elem}
    tensor_list = _tensorlist_type()
    if tensor_list is not None and isinstance(elem, tensor_list):
        return tensor_list([ltr_collate(samples, stack_dim) for samples in zip(*batch)])
    if isinstance(elem, collections.abc.Sequence):
        lengths = {len(b) for b in batch}
        if len(lengths) > 1:
            raise RuntimeError('ltr_collate: sequences in a batch must have equal lengths, got {}'.format(
                sorted(lengths)))
        return [ltr_collate(samples, stack_dim) for samples in zip(*batch)]
    raise TypeError('ltr_collate: cannot collate elements of type {}; supported: tensors, numpy arrays, numbers, '
                    'str, None, TensorDict, Mapping, TensorList, sequences'.format(type(elem)))


#: pytracking name of the stack_dim=1 collate function.
ltr_collate_stack1 = functools.partial(ltr_collate, stack_dim=1)


def seed_worker(worker_id, user_fn=None):
    """``worker_init_fn``: seed Python's and NumPy's global generators from the worker's torch seed.

    torch already gives each worker the seed ``base_seed + worker_id`` (``base_seed`` drawn from the loader's
    generator); without this, forked workers would share the parent's NumPy/``random`` state and produce the
    same random numbers. Then calls ``user_fn(worker_id)`` if given.
    """
    seed = torch.initial_seed() % 2 ** 32
    random.seed(seed)
    np.random.seed(seed)
    if user_fn is not None:
        user_fn(worker_id)


class LTRLoader(torch.utils.data.DataLoader):
    """DataLoader with a name, a training flag, an epoch interval and TensorDict collation on ``stack_dim``.

    Args:
        name: loader name used by the trainer for stats ('train', 'val').
        dataset: e.g. an :class:`ltr.data.sampler.FCOTSampler`.
        training: the trainer runs the actor in training mode with gradients if True.
        epoch_interval: the trainer runs this loader every ``epoch_interval`` epochs.
        stack_dim: dimension on which samples are stacked (pytracking default 0; FCOT uses 1).
        pin_memory: None (default) pins when CUDA is available.
        worker_init_fn: called after the per-worker seeding of :func:`seed_worker`.
        Other arguments as in ``torch.utils.data.DataLoader``.
    """

    def __init__(self, name, dataset, training=True, batch_size=1, shuffle=False, sampler=None, batch_sampler=None,
                 num_workers=0, epoch_interval=1, collate_fn=None, stack_dim=0, pin_memory=None, drop_last=False,
                 timeout=0, worker_init_fn=None, multiprocessing_context=None, generator=None, prefetch_factor=None,
                 persistent_workers=False):
        if collate_fn is None:
            collate_fn = functools.partial(ltr_collate, stack_dim=stack_dim)
        if pin_memory is None:
            pin_memory = torch.cuda.is_available()
        super().__init__(dataset, batch_size=batch_size, shuffle=shuffle, sampler=sampler,
                         batch_sampler=batch_sampler, num_workers=num_workers, collate_fn=collate_fn,
                         pin_memory=pin_memory, drop_last=drop_last, timeout=timeout,
                         worker_init_fn=functools.partial(seed_worker, user_fn=worker_init_fn),
                         multiprocessing_context=multiprocessing_context, generator=generator,
                         prefetch_factor=prefetch_factor, persistent_workers=persistent_workers)
        self.name = name
        self.training = training
        self.epoch_interval = epoch_interval
        self.stack_dim = stack_dim

    def set_epoch(self, epoch):
        """Forward the epoch to the dataset and the index sampler when they have ``set_epoch`` (e.g. FCOTSampler,
        DistributedSampler). Call it before iterating the epoch."""
        for obj in (self.dataset, self.sampler, getattr(self.batch_sampler, 'sampler', None)):
            if obj is not None and hasattr(obj, 'set_epoch'):
                obj.set_epoch(epoch)
