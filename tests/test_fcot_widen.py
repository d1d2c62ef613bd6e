"""Function-preserving widening of FCOT's ResNet-18 backbone (``ltr.models.tracking.fcot_widen``) and the recipe's
``init='widen'``: the wider network computes what the narrow one computed, loads strictly, and can learn apart the
channels it copied."""
import types

import pytest
import torch

from ltr.models.tracking.fcot_widen import widen_fcot_backbone
from ltr.models.tracking.fcotnet import fcotnet
from ltr.train_settings.fcot import recipe

#: a small FCOT-tiny-like network (ResNet-18 truncated after layer3, plain heads, 2 optimiser iterations)
_ARGS = dict(backbone='resnet18', backbone_pretrained=False, truncate_backbone=True, decoder_dim=16,
             clf72_inner_dim=8, reg_inner_dim=8, reg_filter_channel=8, out_feature_dim=16, head_norm_groups=4,
             deformable_heads=False, optim_iter=2, num_dist_bins=10, bin_displacement=0.5,
             train_cls_72_and_reg_init=True, train_cls_18=True)


def build(width, seed=0):
    torch.manual_seed(seed)
    return fcotnet(backbone_width=width, **_ARGS)


def trained_like(width):
    """A network whose BatchNorm statistics and affine parameters are not the constructor's (so copies matter)."""
    net = build(width)
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, t in net.state_dict().items():
            if name.endswith(('running_mean', 'bn1.bias', 'bn2.bias')):
                t.copy_(0.1 * torch.randn(t.shape, generator=g))
            elif name.endswith('running_var'):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
    return net


def widened(net, old, new, seed=0):
    wide = build(new, seed=5)   # other constructor weights: everything must come from the widened state
    wide.load_state_dict(widen_fcot_backbone(net.state_dict(), old, new, torch.Generator().manual_seed(seed)),
                         strict=True)
    return wide


def inputs():
    g = torch.Generator().manual_seed(2)
    train = torch.randn(2, 2, 3, 64, 64, generator=g)
    test = torch.randn(1, 2, 3, 64, 64, generator=g)
    bb = torch.tensor([[[20.0, 18.0, 24.0, 28.0], [16.0, 20.0, 30.0, 22.0]]] * 2)
    return train, test, bb


def test_widened_network_computes_the_same_tracking_features():
    net = trained_like(8).eval()
    wide = widened(net, 8, 12).eval()
    im = inputs()[1][0]
    with torch.no_grad():
        a, b = net.extract_tracking_features(im), wide.extract_tracking_features(im)
    for k in a:
        assert a[k].shape == b[k].shape, k
        assert torch.allclose(a[k], b[k], atol=1e-5 * float(a[k].abs().max()) + 1e-6), k
    assert wide.feature_extractor.layer3[0].conv2.out_channels == 48
    with torch.no_grad():
        bb = wide.extract_backbone_features(im)
    assert [bb[k].shape[1] for k in ('layer1', 'layer2', 'layer3')] == [12, 24, 48]


def test_widened_network_computes_the_same_training_forward_in_train_mode():
    """BatchNorm with batch statistics: copied channels have identical statistics, so the outputs agree too."""
    net, wide = trained_like(8).train(), None
    wide = widened(net, 8, 16).train()
    with torch.no_grad():
        outs = [m(*inputs()) for m in (net, wide)]
    for a, b in zip(outs[0][:2], outs[1][:2]):          # score lists of classifier_18 and classifier_72
        for x, y in zip(a, b):
            assert torch.allclose(x, y, atol=1e-5 * float(x.abs().max()) + 1e-6)
    assert torch.allclose(outs[0][2], outs[1][2], atol=1e-4)


def test_old_channels_are_kept_and_new_channels_copy_an_old_one():
    net = trained_like(8)
    old = net.state_dict()
    new = widen_fcot_backbone(old, 8, 12, torch.Generator().manual_seed(0))
    w_old, w_new = old['feature_extractor.layer2.0.bn1.running_var'], new['feature_extractor.layer2.0.bn1.running_var']
    assert w_new.shape == (24,) and torch.equal(w_new[:16], w_old)
    for j in range(16, 24):                                  # every new channel equals one of the old ones
        assert (w_old == w_new[j]).any()
    # consumers: the split input weights of an old channel and its copies sum to the old weight
    c_old, c_new = old['pyramid_first_conv.res_conv.weight'], new['pyramid_first_conv.res_conv.weight']
    assert c_new.shape[1] == 48 and c_old.shape[1] == 32
    assert not torch.equal(c_new[:, :32], c_old)             # split over copies: no longer the full weight
    assert old['feature_extractor.conv1.weight'].shape[0] == 8 and new['feature_extractor.conv1.weight'].shape[0] == 12
    assert torch.equal(new['classifier_72.filter_initializer.filter_conv.weight'],
                       old['classifier_72.filter_initializer.filter_conv.weight'])   # heads keep their widths


def test_copies_get_different_gradients():
    """The unequal split fractions break the symmetry: a copied channel and its source learn apart."""
    net = trained_like(8)
    old = net.state_dict()
    gen = torch.Generator().manual_seed(0)
    state = widen_fcot_backbone(old, 8, 16, gen)
    wide = build(16)
    wide.load_state_dict(state)
    wide.train()
    s18, s72, off = wide(*inputs())
    (s18[-1].square().mean() + s72[-1].square().mean() + off.square().mean()).backward()
    g = wide.feature_extractor.layer3[1].conv1.weight.grad       # (64, 64, 3, 3): rows 32.. copy rows 0..31
    w = wide.feature_extractor.layer3[1].conv1.weight.detach()
    for j in range(32, 64):
        src = int(torch.nonzero((w[:32] == w[j]).flatten(1).all(1))[0])
        assert not torch.allclose(g[j], g[src])


def test_widening_is_reproducible_and_depends_on_the_seed():
    old = trained_like(8).state_dict()
    a = widen_fcot_backbone(old, 8, 12, torch.Generator().manual_seed(0))
    b = widen_fcot_backbone(old, 8, 12, torch.Generator().manual_seed(0))
    c = widen_fcot_backbone(old, 8, 12, torch.Generator().manual_seed(1))
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_errors_name_the_problem():
    old = trained_like(8).state_dict()
    with pytest.raises(ValueError, match=r"feature_extractor\.conv1\.weight has 8 channels .* backbone_width=16"):
        widen_fcot_backbone(old, 16, 24)
    with pytest.raises(ValueError, match="0 < old_width <= new_width"):
        widen_fcot_backbone(old, 8, 4)
    torch.manual_seed(0)
    r50 = fcotnet(backbone='resnet50', backbone_pretrained=False, backbone_width=8, decoder_dim=16,
                  clf72_inner_dim=8, reg_inner_dim=8, out_feature_dim=16, head_norm_groups=4,
                  deformable_heads=False).state_dict()
    with pytest.raises(ValueError, match="ResNet-18 .* only"):
        widen_fcot_backbone(r50, 8, 12)


def test_recipe_init_widen_loads_the_widened_checkpoint(tmp_path):
    """``StageSpec.init='widen'`` reads the narrow checkpoint named by ``init_from`` and widens it to the net."""
    narrow = trained_like(8).eval()
    path = tmp_path / 'narrow.pth.tar'
    torch.save({'net': narrow.state_dict()}, path)
    wide = build(12, seed=7)
    settings = types.SimpleNamespace(init_from=str(path), seed=0, project_path='ltr/fcot/x',
                                     env=types.SimpleNamespace(workspace_dir=str(tmp_path)))
    spec = types.SimpleNamespace(init='widen', previous_stage=None)
    recipe.initialise_net(wide, settings, spec)
    wide.eval()
    im = inputs()[1][0]
    with torch.no_grad():
        a, b = narrow.extract_tracking_features(im), wide.extract_tracking_features(im)
    assert torch.allclose(a['clf_18'], b['clf_18'], atol=1e-5)
    assert torch.allclose(a['reg_72'], b['reg_72'], atol=1e-5 * float(a['reg_72'].abs().max()))
