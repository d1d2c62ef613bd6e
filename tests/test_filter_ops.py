"""apply_filter equals a grouped F.conv2d; apply_feat_transpose is its exact adjoint (autograd)."""
import pytest
import torch
import torch.nn.functional as F

from ltr.models.layers.filter import apply_feat_transpose, apply_filter


def conv_reference(feat, filt):
    n, s, c, h, w = feat.shape
    multi = filt.dim() == 5
    f = filt if multi else filt.unsqueeze(1)
    k = f.shape[-1]
    out = F.conv2d(feat.reshape(n, s * c, h, w), f.reshape(-1, c, k, k), padding=k // 2, groups=s)
    out = out.reshape(n, s, f.shape[1], *out.shape[-2:])
    return out if multi else out[:, :, 0]


@pytest.mark.parametrize('k,multi', [(4, False), (3, True), (3, False), (4, True), (1, False)])
def test_filter_and_adjoint(k, multi):
    g = torch.Generator().manual_seed(k + 10 * multi)
    feat = torch.randn(3, 2, 5, 9, 8, generator=g, dtype=torch.float64)
    shape = (2, 3, 5, k, k) if multi else (2, 5, k, k)
    f = torch.randn(*shape, generator=g, dtype=torch.float64, requires_grad=True)
    s = apply_filter(feat, f)
    torch.testing.assert_close(s, conv_reference(feat, f), rtol=1e-10, atol=1e-10)
    a = torch.randn(s.shape, generator=g, dtype=torch.float64)
    grad, = torch.autograd.grad((s * a).sum(), f)
    torch.testing.assert_close(apply_feat_transpose(feat, a, k), grad, rtol=1e-10, atol=1e-10)


def test_4d_features_mean_one_sequence():
    feat = torch.randn(4, 6, 7, 7)
    f = torch.randn(1, 6, 4, 4)
    assert apply_filter(feat, f).shape == (4, 1, 8, 8)


def test_shape_mismatch_is_reported():
    with pytest.raises(ValueError, match='does not fit'):
        apply_filter(torch.randn(2, 1, 5, 6, 6), torch.randn(1, 4, 3, 3))
