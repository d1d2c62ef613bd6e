"""Function-preserving widening of a trained FCOT's ResNet-18 backbone (Net2WiderNet, Chen et al., ICLR 2016).

A trained network with ``backbone_width`` w becomes one with a wider backbone (``new_width`` > w, every stage scaled
alike: layer1/2/3 = w/2w/4w channels) that computes exactly the same function, so that training can continue with
more capacity from where the narrow network stopped instead of from scratch.

Every channel space of the backbone (the stem + layer1 residual stream, each later layer's residual stream, each
block's inner channels) grows from ``n`` to ``m`` channels: channel ``j < n`` is old channel ``j``, each new channel
``j >= n`` a copy of a randomly drawn old channel (producer weights, BatchNorm affine parameters and running
statistics copied). Every consumer of a space (the next convolution, the residual shortcut, and FCOT's decoder and
stride-16 classification features, :data:`BACKBONE_CONSUMERS`) splits its input weight of an old channel over that
channel and its copies with random positive fractions that sum to 1. As the copies carry identical activations (in
BatchNorm's training and evaluation modes alike), the sum, and so every output, is unchanged up to float rounding;
the unequal fractions break the symmetry between copies, so that training separates them.

Only the backbone grows: the decoder, heads and online models keep their widths (only the input dimension of their
first convolutions follows the backbone).
"""
import re
from typing import Dict, List, Optional

import torch

__all__ = ['widen_fcot_backbone', 'BACKBONE_CONSUMERS', 'BACKBONE_PREFIX']

#: Prefix of the backbone's entries in FCOT's state_dict.
BACKBONE_PREFIX = 'feature_extractor.'

#: Convolution weights outside the backbone that read a backbone layer (input dimension = that layer's channels).
BACKBONE_CONSUMERS = {
    'layer1': ('pyramid_72.res_conv.weight',),
    'layer2': ('pyramid_36.res_conv.weight',),
    'layer3': ('pyramid_first_conv.res_conv.weight', 'classifier_18.feature_extractor.0.weight'),
}

_BN_ENTRIES = ('weight', 'bias', 'running_mean', 'running_var')


class _Space:
    """One channel space growing from ``n`` to ``m`` channels: ``source[j]`` is the old channel that new channel
    ``j`` copies, ``fraction[j]`` its share of a consumer's input weight."""

    def __init__(self, n: int, m: int, generator: torch.Generator):
        if m < n:
            raise ValueError(f"cannot narrow a channel space from {n} to {m} channels")
        extra = torch.randint(0, n, (m - n,), generator=generator)
        self.source = torch.cat([torch.arange(n), extra])
        raw = torch.rand(m, generator=generator, dtype=torch.float64) + 0.5          # in [0.5, 1.5)
        total = torch.zeros(n, dtype=torch.float64).index_add_(0, self.source, raw)
        self.fraction = raw / total[self.source]

    def producer(self, t: torch.Tensor) -> torch.Tensor:
        """Rows (dimension 0) of a producer's weight / BatchNorm vector, copied for the new channels."""
        return t.index_select(0, self.source)

    def consumer(self, w: torch.Tensor) -> torch.Tensor:
        """Input dimension (1) of a consumer's weight, split over each old channel and its copies."""
        f = self.fraction.to(w.dtype).view(1, -1, *([1] * (w.dim() - 2)))
        return w.index_select(1, self.source) * f


def _layer_names(state: Dict[str, torch.Tensor]) -> List[str]:
    """The backbone's residual layers present in ``state`` (``['layer1', 'layer2', 'layer3']`` when truncated)."""
    pat = re.compile(re.escape(BACKBONE_PREFIX) + r'(layer\d)\.')
    return sorted({m.group(1) for m in map(pat.match, state) if m})


def _blocks(state: Dict[str, torch.Tensor], layer: str) -> List[int]:
    """Indices of the residual blocks of ``layer`` in ``state``."""
    pat = re.compile(re.escape(BACKBONE_PREFIX + layer) + r'\.(\d+)\.')
    return sorted({int(m.group(1)) for m in map(pat.match, state) if m})


def widen_fcot_backbone(state: Dict[str, torch.Tensor], old_width: int, new_width: int,
                        generator: Optional[torch.Generator] = None) -> Dict[str, torch.Tensor]:
    """The state_dict of the same FCOT with ``backbone_width=new_width`` instead of ``old_width``.

    Args:
        state: state_dict of an ``fcotnet(backbone='resnet18', backbone_width=old_width, ...)``; only the
            ResNet-18 basic-block backbone is supported.
        old_width, new_width: the backbone widths (``conv1``'s channels); ``new_width >= old_width``.
        generator: random source of the copied channels and the split fractions (seed it for reproducibility).
    Returns:
        a new state_dict (the input is not modified) that loads strictly into the network with ``new_width``.
    Raises:
        ValueError naming the entry whose shape does not fit ``old_width``, or a bottleneck backbone.
    """
    if not (isinstance(new_width, int) and isinstance(old_width, int) and 0 < old_width <= new_width):
        raise ValueError(f"widths must be integers with 0 < old_width <= new_width, got {old_width} -> {new_width}")
    if any(k.startswith(BACKBONE_PREFIX) and '.conv3.' in k for k in state):
        raise ValueError("widen_fcot_backbone supports the ResNet-18 (basic block) backbone only; this state_dict "
                         "has bottleneck blocks (conv3)")
    gen = generator if generator is not None else torch.Generator().manual_seed(0)
    out = {k: v.clone() for k, v in state.items()}
    bb = BACKBONE_PREFIX

    def check(key: str, dim: int, expected: int):
        if key not in state:
            raise ValueError(f"state_dict has no entry {key!r}: not an FCOT ResNet-18 backbone")
        if state[key].shape[dim] != expected:
            raise ValueError(f"{key} has {state[key].shape[dim]} channels in dimension {dim}; backbone_width="
                             f"{old_width} implies {expected}")

    def produce(prefix_conv: str, prefix_bn: str, space: _Space, n_out: int):
        check(prefix_conv + '.weight', 0, n_out)
        out[prefix_conv + '.weight'] = space.producer(out[prefix_conv + '.weight'])
        for e in _BN_ENTRIES:
            out[f'{prefix_bn}.{e}'] = space.producer(out[f'{prefix_bn}.{e}'])

    def consume(key: str, space: _Space, n_in: int):
        check(key, 1, n_in)
        out[key] = space.consumer(out[key])

    stream = _Space(old_width, new_width, gen)
    stream_n = old_width
    produce(bb + 'conv1', bb + 'bn1', stream, old_width)
    layers = _layer_names(state)
    if layers[:3] != ['layer1', 'layer2', 'layer3']:
        raise ValueError(f"backbone layers {layers}: expected layer1..layer3 under {bb!r}")
    for li, layer in enumerate(layers):
        n_out, m_out = old_width * 2 ** li, new_width * 2 ** li
        blocks = _blocks(state, layer)
        has_down = f'{bb}{layer}.0.downsample.0.weight' in state
        if n_out != stream_n and not has_down:
            raise ValueError(f"{layer} changes the width from {stream_n} to {n_out} without a downsample")
        out_stream = _Space(n_out, m_out, gen) if has_down else stream
        for b in blocks:
            p = f'{bb}{layer}.{b}.'
            in_stream, in_n = (stream, stream_n) if b == 0 else (out_stream, n_out)
            inner = _Space(n_out, m_out, gen)
            consume(p + 'conv1.weight', in_stream, in_n)
            produce(p + 'conv1', p + 'bn1', inner, n_out)
            consume(p + 'conv2.weight', inner, n_out)
            produce(p + 'conv2', p + 'bn2', out_stream, n_out)
            if b == 0 and has_down:
                consume(p + 'downsample.0.weight', in_stream, in_n)
                produce(p + 'downsample.0', p + 'downsample.1', out_stream, n_out)
        for key in BACKBONE_CONSUMERS.get(layer, ()):
            if key in state:
                consume(key, out_stream, n_out)
        stream, stream_n = out_stream, n_out
    if bb + 'fc.weight' in state:   # an untruncated backbone: its (unused) ImageNet classifier reads layer4
        consume(bb + 'fc.weight', stream, stream_n)
    return out
