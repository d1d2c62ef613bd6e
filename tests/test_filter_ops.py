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


def taps_summed_in_order(feat, filt):
    """The tap maps ``W[:, tap]^T X`` (one GEMM), zero-padded, shifted and added tap by tap in row-major order,
    written out over the full 7-D layout: the summation order :func:`apply_filter` promises."""
    n, s, c, h, w = feat.shape
    multi = filt.dim() == 5
    f = filt if multi else filt.unsqueeze(1)
    nf, kh, kw = f.shape[1], f.shape[-2], f.shape[-1]
    ph, pw = kh // 2, kw // 2
    ho, wo = h + 2 * ph - kh + 1, w + 2 * pw - kw + 1
    taps = torch.matmul(f.permute(0, 1, 3, 4, 2).reshape(1, s, nf * kh * kw, c), feat.reshape(n, s, c, h * w))
    taps = F.pad(taps.reshape(-1, 1, h, w), (pw, pw, ph, ph)).reshape(n, s, nf, kh, kw, h + 2 * ph, w + 2 * pw)
    out = None
    for u in range(kh):
        for v in range(kw):
            term = taps[:, :, :, u, v, u:u + ho, v:v + wo]
            out = term if out is None else out + term
    return out if multi else out[:, :, 0]


@pytest.mark.parametrize('shape,filt_shape', [((1, 1, 128, 6, 6), (1, 128, 4, 4)), ((3, 2, 16, 9, 8), (2, 3, 16, 3, 3)),
                                              ((2, 1, 8, 5, 5), (1, 8, 1, 1)), ((4, 2, 8, 7, 6), (2, 8, 4, 4))])
def test_apply_filter_sums_the_taps_in_order_bit_for_bit(shape, filt_shape):
    """float32 scores equal, bit for bit, the tap-by-tap sum in row-major tap order (the online classifiers' and
    the regressor's scores do not depend on how the taps are sliced)."""
    g = torch.Generator().manual_seed(sum(shape))
    feat = torch.randn(*shape, generator=g)
    filt = torch.randn(*filt_shape, generator=g)
    out = apply_filter(feat, filt)
    ref = taps_summed_in_order(feat, filt)
    assert out.shape == ref.shape and out.is_contiguous()
    assert torch.equal(out, ref)
