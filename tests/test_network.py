"""The FCOT network: official state_dict layout, forward shapes, tracking path, stage flags."""
import itertools
import math

import pytest
import torch

from ltr.models.tracking.fcotnet import fcotnet
from manifest import read_manifest


@pytest.fixture(scope='module')
def net50():
    torch.manual_seed(0)
    return fcotnet(backbone_pretrained=False, clf_filter_size=4, optim_iter=5, norm_scale_coef=1.5,
                   optim_init_step=0.9, optim_init_reg=0.1, init_gauss_sigma=0.9, num_dist_bins=100,
                   bin_displacement=0.1, mask_init_factor=3.0).eval()


def tiny_net(**kw):
    args = dict(backbone_pretrained=False, backbone='resnet18', num_dist_bins=10, bin_displacement=0.5,
                init_gauss_sigma=0.9, mask_init_factor=3.0, optim_init_step=0.9, optim_init_reg=0.1, optim_iter=2)
    args.update(kw)
    return fcotnet(**args)


def test_state_dict_matches_official_manifest(net50):
    manifest = read_manifest()
    assert len(manifest) == 414
    sd = net50.state_dict()
    assert [k for k, _ in manifest] == list(sd.keys())
    for key, shape in manifest:
        assert tuple(sd[key].shape) == shape, key
    params = dict(net50.named_parameters())
    assert sum(p.numel() for p in params.values()) == 42_277_524
    assert sum(v.numel() for k, v in sd.items() if k not in params) == 53_173


@pytest.mark.parametrize('flags', list(itertools.product([False, True], repeat=3)))
def test_stage_flags_keep_keys(flags):
    sd = tiny_net(train_cls_72_and_reg_init=flags[0], train_reg_optimizer=flags[1], train_cls_18=flags[2]).state_dict()
    ref = tiny_net().state_dict()
    assert [(k, v.shape) for k, v in sd.items()] == [(k, v.shape) for k, v in ref.items()]


def test_norm_scale_coef_sets_clf72_scale(net50):
    assert math.isclose(net50.classifier_72.feature_extractor[7].scale, 0.0191366, rel_tol=1e-5)
    assert math.isclose(net50.classifier_18.feature_extractor[1].scale, 0.0110485, rel_tol=1e-5)
    assert math.isclose(tiny_net(norm_scale_coef=2.0).classifier_72.feature_extractor[7].scale, 0.0220971, rel_tol=1e-5)


def test_training_forward_shapes(net50):
    torch.manual_seed(1)
    s = 1
    train = torch.randn(3, s, 3, 288, 288)
    test = torch.randn(3, s, 3, 288, 288)
    bb = torch.tensor([[[100.0, 110.0, 60.0, 50.0]]]).repeat(3, s, 1)
    with torch.no_grad():
        scores_18, scores_72, offsets = net50(train, test, bb)
    assert len(scores_18) == 6 and all(t.shape == (3, s, 19, 19) for t in scores_18)
    assert len(scores_72) == 6 and all(t.shape == (3, s, 73, 73) for t in scores_72)
    assert offsets.shape == (3, s, 4, 72, 72) and bool((offsets >= 0).all())


def test_tracking_path_shapes(net50):
    torch.manual_seed(2)
    im = torch.randn(1, 3, 288, 288)
    bb = torch.tensor([[100.0, 110.0, 60.0, 50.0]])
    with torch.no_grad():
        bf = net50.extract_backbone_features(im)
        assert [tuple(v.shape) for v in bf.values()] == [(1, 256, 72, 72), (1, 512, 36, 36), (1, 1024, 18, 18)]
        f = net50.extract_tracking_features(im)
        assert f['clf_18'].shape == (1, 512, 18, 18) and f['clf_72'].shape == (1, 256, 72, 72)
        assert f['reg_72'].shape == (1, 256, 72, 72) and f['feat_36'].shape == (1, 256, 36, 36)
        x18, x72, xr = f['clf_18'].unsqueeze(1), f['clf_72'].unsqueeze(1), f['reg_72'].unsqueeze(1)
        bb3 = bb.reshape(1, 1, 4)
        f18, it18, _ = net50.classifier_18.get_filter(x18, bb3)
        f72, _, _ = net50.classifier_72.get_filter(x72, bb3, num_iter=3)
        assert f18.shape == (1, 512, 4, 4) and f72.shape == (1, 256, 4, 4) and len(it18) == 6
        assert net50.classifier_18.classify(f18, x18).shape == (1, 1, 19, 19)
        assert net50.classifier_72.classify(f72, x72).shape == (1, 1, 73, 73)
        reg0 = net50.regressor_72.generate_init_filter(f['feat_36'], f['feat_72'], bb)
        assert reg0.shape == (1, 4, 256, 3, 3)
        reg, reg_iter, _ = net50.regressor_72.filter_optimizer(reg0, xr, bb3, num_iter=2)
        assert reg.shape == (1, 4, 256, 3, 3) and len(reg_iter) == 3
        assert net50.regressor_72.regress(reg, xr).shape == (1, 1, 4, 72, 72)


STAGES = {
    'cls72_reg_init': (dict(train_cls_72_and_reg_init=True), lambda n: not n.startswith('classifier_18.')),
    'reg_optimizer': (dict(train_cls_72_and_reg_init=False, train_reg_optimizer=True),
                      lambda n: n.startswith('regressor_72.filter_optimizer.')),
    'cls18': (dict(train_cls_72_and_reg_init=False, train_cls_18=True), lambda n: n.startswith('classifier_18.')),
    'joint_2s': (dict(train_cls_72_and_reg_init=True, train_cls_18=True), lambda n: True),
}


@pytest.mark.parametrize('stage', sorted(STAGES))
def test_gradients_reach_exactly_the_stage_parameters(stage):
    kwargs, trainable = STAGES[stage]
    torch.manual_seed(3)
    net = tiny_net(**kwargs).train()
    train = torch.randn(2, 2, 3, 64, 64)
    test = torch.randn(2, 2, 3, 64, 64)
    bb = torch.tensor([[[20.0, 22.0, 16.0, 14.0], [24.0, 18.0, 14.0, 20.0]]]).repeat(2, 1, 1)
    s18, s72, off = net(train, test, bb)
    off = off if isinstance(off, list) else [off]
    loss = sum((t ** 2).mean() for t in s18 + s72 + off)
    loss.backward()
    for name, p in net.named_parameters():
        unused = name.startswith(('feature_extractor.layer4.', 'feature_extractor.fc.'))
        expect = trainable(name) and not unused and not (stage == 'cls72_reg_init' and 'regressor_72.filter_optimizer' in name) \
            and not (stage == 'joint_2s' and 'regressor_72.filter_optimizer' in name)
        assert p.requires_grad == expect, name
        if expect:
            assert p.grad is not None and torch.isfinite(p.grad).all(), name
            assert p.grad.abs().sum() > 0, name
        else:
            assert p.grad is None, name
