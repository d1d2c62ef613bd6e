"""Folding BatchNorm into convolutions keeps the function (to float rounding) and removes the BN layers."""
import pytest
import torch
import torch.nn as nn

from ltr.models.backbone.resnet import resnet18
from ltr.models.layers.fold_batchnorm import fold_batchnorm_


def _randomise_bn(net, seed):
    g = torch.Generator().manual_seed(seed)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.5)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.randn(m.num_features, generator=g))
            m.bias.data.copy_(torch.randn(m.num_features, generator=g))


def test_folded_resnet_gives_the_same_features():
    torch.manual_seed(0)
    net = resnet18(output_layers=['layer1', 'layer2', 'layer3'], base_width=32, truncate_after_layer3=True)
    _randomise_bn(net, 1)
    net.eval()
    x = torch.randn(2, 3, 96, 96)
    with torch.no_grad():
        ref = net(x)
        n_bn = sum(isinstance(m, nn.BatchNorm2d) for m in net.modules())
        assert fold_batchnorm_(net) == n_bn == 1 + 2 * 6 + 2      # stem, 6 blocks x 2, 2 downsamples
        assert not any(isinstance(m, nn.BatchNorm2d) for m in net.modules())
        got = net(x)
    for k in ref:
        torch.testing.assert_close(got[k], ref[k], rtol=1e-4, atol=1e-4)


def test_fold_refuses_training_mode():
    with pytest.raises(ValueError, match='eval'):
        fold_batchnorm_(nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)))
