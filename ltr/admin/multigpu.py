"""Wrapping the network for several GPUs.

* :class:`MultiGPU`: ``nn.DataParallel`` that forwards unknown attributes to the wrapped net (pytracking
  convention; FCOT uses ``dim=1`` because batches are stacked on dim 1).
* :func:`is_multi_gpu` / :func:`unwrap`: recognise and strip DataParallel *and* DistributedDataParallel wrappers.
"""
import torch.nn as nn

__all__ = ['MultiGPU', 'is_multi_gpu', 'unwrap']


class MultiGPU(nn.DataParallel):
    """``nn.DataParallel`` whose unknown attributes are looked up on ``self.module`` (e.g. ``net.classifier_72``)."""

    def __getattr__(self, item):
        try:
            return super().__getattr__(item)
        except AttributeError:
            return getattr(self.module, item)


def is_multi_gpu(net):
    """True if ``net`` is wrapped in DataParallel (incl. :class:`MultiGPU`) or DistributedDataParallel."""
    return isinstance(net, (nn.DataParallel, nn.parallel.DistributedDataParallel))


def unwrap(net):
    """The bare network inside any number of DataParallel / DDP wrappers."""
    while is_multi_gpu(net):
        net = net.module
    return net
