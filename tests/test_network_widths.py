"""Width/speed options of ``fcotnet`` (FCOT-tiny): defaults stay official, options change exactly what they name."""
import pytest
import torch
import torch.nn as nn

from ltr.admin.loading import load_network
from ltr.models.layers.dcn import DCN
from ltr.models.tracking.fcotnet import fcotnet
from ltr.train_settings.fcot.fcot_tiny import NET_OPTIONS

_CLF = dict(backbone_pretrained=False, num_dist_bins=10, bin_displacement=0.5, init_gauss_sigma=0.9,
            mask_init_factor=3.0, optim_init_step=0.9, optim_init_reg=0.1, optim_iter=2)


def tiny(**kw):
    torch.manual_seed(0)
    args = dict(_CLF)
    args.update(NET_OPTIONS)
    args.update(kw)
    return fcotnet(backbone='resnet18', **args)


def test_default_resnet18_is_unchanged_by_the_new_options():
    """Passing the official widths explicitly builds the same network, key by key and value by value."""
    torch.manual_seed(0)
    a = fcotnet(backbone='resnet18', **_CLF).state_dict()
    torch.manual_seed(0)
    b = fcotnet(backbone='resnet18', backbone_width=64, truncate_backbone=False, decoder_dim=256,
                clf72_inner_dim=128, reg_inner_dim=128, reg_filter_channel=256, head_norm_groups=32,
                deformable_heads=True, **_CLF).state_dict()
    assert list(a) == list(b)
    for k in a:
        assert torch.equal(a[k], b[k]), k
    assert 'feature_extractor.layer4.0.conv1.weight' in a and 'feature_extractor.fc.weight' in a


def test_tiny_widths_reach_every_module():
    sd = tiny().state_dict()
    assert not any(k.startswith(('feature_extractor.layer4', 'feature_extractor.fc')) for k in sd)
    assert sd['feature_extractor.conv1.weight'].shape == (32, 3, 7, 7)
    assert sd['feature_extractor.layer3.1.conv2.weight'].shape == (128, 128, 3, 3)
    assert sd['pyramid_first_conv.res_conv.weight'].shape == (64, 128, 1, 1)
    assert sd['pyramid_72.res_conv.weight'].shape == (64, 32, 1, 1)
    assert sd['pyramid_72.pyramid_conv.weight'].shape == (64, 64, 3, 3)
    assert sd['classifier_18.feature_extractor.0.weight'].shape == (128, 128, 3, 3)
    assert sd['classifier_72.feature_extractor.0.weight'].shape == (32, 64, 3, 3)
    assert sd['classifier_72.feature_extractor.6.weight'].shape == (64, 32, 3, 3)
    assert sd['regressor_72.reg_initializer_72.6.weight'].shape == (4 * 32, 32, 3, 3)
    assert sd['regressor_72.reg_head_merge.weight'].shape == (32, 64, 1, 1)
    assert sd['classifier_72.feature_extractor.1.weight'].shape == (32,)       # GroupNorm affine
    net = tiny()
    assert net.classifier_72.feature_extractor[1].num_groups == 8
    assert not any(isinstance(m, DCN) for m in net.modules())
    assert isinstance(net.regressor_72.reg_head_72[3], nn.Conv2d)
    assert sum(isinstance(m, DCN) for m in tiny(deformable_heads=True).modules()) == 10


def test_tiny_forward_shapes_at_128_pixels():
    net = tiny().eval()
    with torch.no_grad():
        feats = net.extract_tracking_features(torch.randn(2, 3, 128, 128))
        assert feats['clf_18'].shape == (2, 128, 8, 8)
        assert feats['clf_72'].shape == (2, 64, 32, 32)
        assert feats['reg_72'].shape == (2, 32, 32, 32)
        bb = torch.tensor([[[40., 30., 40., 50.]], [[44., 36., 38., 48.]]])
        s18, s72, off = net(torch.randn(2, 1, 3, 128, 128), torch.randn(1, 1, 3, 128, 128), bb)
    assert s18[-1].shape == (1, 1, 9, 9) and s72[-1].shape == (1, 1, 33, 33) and off.shape == (1, 1, 4, 32, 32)
    assert len(s18) == 1 + 2 and all(torch.isfinite(s).all() for s in s18 + s72)


@pytest.mark.parametrize('bad', [dict(decoder_dim=0), dict(reg_inner_dim=30), dict(head_norm_groups=5),
                                 dict(backbone_width=-8), dict(clf72_inner_dim=32.0)])
def test_bad_width_options_are_refused(bad):
    with pytest.raises(ValueError, match='|'.join(bad)):
        tiny(**bad)


def test_truncated_backbone_refuses_layer4_and_pretrained_needs_standard_width():
    net = tiny()
    with pytest.raises(ValueError, match='truncated after layer3'):
        net.feature_extractor(torch.randn(1, 3, 64, 64), ['layer4'])
    with pytest.raises(ValueError, match='base_width=64'):
        fcotnet(backbone='resnet18', **dict(_CLF, backbone_width=32, backbone_pretrained=True))


def test_tiny_checkpoint_round_trip_rebuilds_the_width_options(tmp_path):
    net = tiny().eval()
    path = tmp_path / 'tiny.pth.tar'
    torch.save({'net': net.state_dict(), 'constructor': net.constructor, 'net_type': 'FCOTNet', 'epoch': 1}, path)
    loaded = load_network(str(path)).eval()
    assert loaded.constructor.kwds['decoder_dim'] == 64 and loaded.constructor.kwds['deformable_heads'] is False
    x = torch.randn(1, 3, 128, 128)
    with torch.no_grad():
        a, b = net.extract_tracking_features(x), loaded.extract_tracking_features(x)
    for k in a:
        assert torch.equal(a[k], b[k]), k
