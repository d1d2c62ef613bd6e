"""Fold inference-mode BatchNorm layers into the convolutions before them (a speed option for tracking).

``y = gamma * (W * x + b - mean) / sqrt(var + eps) + beta`` equals a convolution with weights
``W * gamma / sqrt(var + eps)`` and bias ``beta + (b - mean) * gamma / sqrt(var + eps)``: the same function up to
floating-point rounding, one layer fewer. Only for evaluation: the folded network has no batch statistics left.
"""
import torch
import torch.nn as nn

__all__ = ['fold_batchnorm_']


def _fold_pair(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    std = torch.sqrt(bn.running_var + bn.eps)
    scale = bn.weight / std
    folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                       conv.dilation, conv.groups, bias=True, padding_mode=conv.padding_mode).to(conv.weight)
    with torch.no_grad():
        folded.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        folded.bias.copy_(bn.bias + (bias - bn.running_mean) * scale)
    return folded


@torch.no_grad()
def fold_batchnorm_(module: nn.Module) -> int:
    """Fold every ``BatchNorm2d`` that directly follows a ``Conv2d`` in ``module`` (in place) and return how many
    were folded. Pairs are found as consecutive children of an ``nn.Sequential`` and as attributes ``convN`` /
    ``bnN`` of the same parent (torchvision's ResNet blocks and stem). The BatchNorm is replaced by ``Identity``.
    Raises ValueError if the module is in training mode (folding freezes the running statistics)."""
    if module.training:
        raise ValueError('fold_batchnorm_ needs a module in eval() mode (it bakes in the running statistics)')
    count = 0
    for parent in list(module.modules()):
        if isinstance(parent, nn.Sequential):
            names = list(parent._modules)
            for a, b in zip(names, names[1:]):
                conv, bn = parent._modules[a], parent._modules[b]
                if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                    parent._modules[a] = _fold_pair(conv, bn)
                    parent._modules[b] = nn.Identity()
                    count += 1
        for name, child in list(parent._modules.items()):
            if name.startswith('conv') and isinstance(child, nn.Conv2d):
                bn_name = 'bn' + name[len('conv'):]
                bn = parent._modules.get(bn_name)
                if isinstance(bn, nn.BatchNorm2d):
                    parent._modules[name] = _fold_pair(child, bn)
                    parent._modules[bn_name] = nn.Identity()
                    count += 1
    return count
