"""FCOTNet's tracking-feature extraction run as a frozen TorchScript graph, one graph per input signature.

A speed option (tracker parameter ``trace_features``): the eager ``extract_tracking_features`` spends several of its
milliseconds on Python dispatch at FCOT-tiny's 96-pixel crops (about 60 module calls, TF ``SAME`` padding arithmetic,
dict building). A trace records the operators once and :func:`torch.jit.freeze` inlines the weights, so each later
call runs the same operators without Python: on 2 threads, one 96-pixel crop of the shipped MobileNetV3 FCOT-tiny
takes 5.66 ms instead of 6.98 (``benchmarks/bench_traced_features.py``, median of 5 alternating rounds).

What a trace fixes: every Python-level value computed from shapes (padding amounts, interpolation sizes) is a
constant of the graph, so a graph is only ever called on inputs of the shape, dtype, device and memory format it was
traced on; other inputs run the eager network. The weights are copied into the graph when it is frozen: change the
network's parameters (or their memory format) afterwards and the graph no longer follows them, so build this after
the network is set up for tracking. Freezing may fold an eager BatchNorm into the preceding convolution, which changes the results by
rounding only (ResNet-18 with live BatchNorm: 2e-5 absolute on features of order 1; a network whose BatchNorm is
already folded, like the MobileNetV3 backbone: bit-identical).

``torch.jit.trace``/``freeze`` are deprecated in favour of ``torch.compile``, which needs a C++ compiler at run time;
this project pins its torch version, and the deprecation warnings are silenced here only.
"""
import warnings
from typing import Dict, Tuple

import torch
import torch.nn as nn


class _TrackingFeatures(nn.Module):
    """``net.extract_tracking_features`` as a module's ``forward`` (what ``torch.jit.trace`` takes)."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, im: torch.Tensor) -> Dict[str, torch.Tensor]:
        return self.net.extract_tracking_features(im)


class TracedTrackingFeatures:
    """Callable ``(N, 3, H, W)`` normalised images -> the dict of ``net.extract_tracking_features``.

    Signatures (shape, dtype, device, memory format) registered with :meth:`prepare` run through their frozen trace;
    any other input runs the eager network (the tracker prepares its one-crop search batch during ``initialize``, so
    the one-off augmented batch of the first frame is not traced: a trace costs 0.2-0.4 s). ``net`` must be in eval
    mode."""

    def __init__(self, net: nn.Module):
        if net.training:
            raise ValueError("TracedTrackingFeatures needs the network in eval mode (net.eval()); a trace of training "
                             "mode would freeze batch statistics and dropout")
        self.net = net
        self.graphs: Dict[Tuple, torch.jit.ScriptModule] = {}
        self.traced_calls = 0   # calls answered by a trace (the others ran eager)

    @staticmethod
    def signature(im: torch.Tensor) -> Tuple:
        """``(shape, dtype, device, channels_last)`` of an input: what a trace is valid for."""
        channels_last = im.dim() == 4 and im.is_contiguous(memory_format=torch.channels_last) \
            and not im.is_contiguous()
        return tuple(im.shape), im.dtype, im.device, channels_last

    def prepare(self, example: torch.Tensor, warmup_calls: int = 2) -> None:
        """Trace and freeze the network on ``example``'s signature, then run it ``warmup_calls`` times (TorchScript's
        profiling executor specialises the graph on its first two calls, 5-10x slower than the later ones)."""
        with torch.no_grad(), warnings.catch_warnings():
            warnings.filterwarnings('ignore', category=FutureWarning, module=r'torch\.jit')
            warnings.filterwarnings('ignore', category=torch.jit.TracerWarning)
            graph = torch.jit.freeze(torch.jit.trace(_TrackingFeatures(self.net).eval(), example, strict=False,
                                                     check_trace=False))
            for _ in range(warmup_calls):
                graph(example)
        self.graphs[self.signature(example)] = graph

    def __call__(self, im: torch.Tensor) -> Dict[str, torch.Tensor]:
        graph = self.graphs.get(self.signature(im))
        with torch.no_grad():
            if graph is None:
                return self.net.extract_tracking_features(im)
            self.traced_calls += 1
            return graph(im)
