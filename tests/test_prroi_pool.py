"""Tests for the pure-PyTorch Precise RoI Pooling (spec §1.10).

The references are independent numerical integrations that only evaluate the bilinear interpolant of the
feature map (sample (i, j) at continuous coordinate (i, j), zero outside the map): a composite midpoint rule
whose sub-intervals are cut at the integer kinks (exact for the piecewise-bilinear interpolant), and a plain
uniform fine midpoint grid (approximate).
"""

import math

import pytest
import torch

from ltr.models.layers.prroi_pool import PrRoIPool2D, prroi_pool2d


def _bilinear_zero_outside(feat, ys, xs):
    """feat (C, H, W); ys (M,), xs (N,) -> (C, M, N) bilinear interpolant, samples outside the map are 0."""
    C, H, W = feat.shape
    y0 = torch.floor(ys)
    x0 = torch.floor(xs)
    fy = ys - y0
    fx = xs - x0
    y0 = y0.long()
    x0 = x0.long()
    out = feat.new_zeros((C, ys.numel(), xs.numel()))
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            yy = y0 + dy
            xx = x0 + dx
            vy = (yy >= 0) & (yy < H)
            vx = (xx >= 0) & (xx < W)
            vals = feat[:, yy.clamp(0, H - 1)][:, :, xx.clamp(0, W - 1)]
            w = (wy * vy)[:, None] * (wx * vx)[None, :]
            out = out + vals * w
    return out


def _midpoints(lo, hi, m):
    """Composite midpoint rule on [lo, hi]: the interval is first cut at every integer (the kinks of the
    bilinear interpolant), then each piece into m equal parts. Returns sample points and weights that sum
    to 1 (so the weighted sum is the average over [lo, hi])."""
    cuts = [lo] + [float(v) for v in range(math.floor(lo) + 1, math.ceil(hi)) if lo < v < hi] + [hi]
    pts, wts = [], []
    for a, b in zip(cuts[:-1], cuts[1:]):
        step = (b - a) / m
        pts += [a + (t + 0.5) * step for t in range(m)]
        wts += [step / (hi - lo)] * m
    return torch.tensor(pts, dtype=torch.float64), torch.tensor(wts, dtype=torch.float64)


def _bruteforce(features, rois, ph, pw, scale, m=4):
    """Average of the interpolant over each bin by the composite midpoint rule (float64).

    The interpolant is bilinear between integer lines, where the midpoint rule is exact, so the result is
    exact up to rounding; it only ever evaluates the interpolant (no tent-integral formula).
    """
    features = features.double()
    rois = rois.double()
    C = features.shape[1]
    out = torch.zeros(rois.shape[0], C, ph, pw, dtype=torch.float64)
    for k, (b, x0, y0, x1, y1) in enumerate(rois.tolist()):
        x0, y0, x1, y1 = x0 * scale, y0 * scale, x1 * scale, y1 * scale
        bw = max(x1 - x0, 0.0) / pw
        bh = max(y1 - y0, 0.0) / ph
        if bw * bh == 0:
            continue
        for p in range(ph):
            ys, wy = _midpoints(y0 + p * bh, y0 + (p + 1) * bh, m)
            for q in range(pw):
                xs, wx = _midpoints(x0 + q * bw, x0 + (q + 1) * bw, m)
                vals = _bilinear_zero_outside(features[int(b)], ys, xs)     # (C, len(ys), len(xs))
                out[k, :, p, q] = torch.einsum('cyx,y,x->c', vals, wy, wx)
    return out


def _uniform_midpoint(features, rois, ph, pw, scale, n):
    """Plain midpoint rule with n x n uniform sub-samples per bin (approximate, error O(1/n^2))."""
    features = features.double()
    C = features.shape[1]
    out = torch.zeros(rois.shape[0], C, ph, pw, dtype=torch.float64)
    for k, (b, x0, y0, x1, y1) in enumerate(rois.double().tolist()):
        x0, y0, x1, y1 = x0 * scale, y0 * scale, x1 * scale, y1 * scale
        w, h = max(x1 - x0, 0.0), max(y1 - y0, 0.0)
        if w * h == 0:
            continue
        xs = x0 + (torch.arange(pw * n, dtype=torch.float64) + 0.5) * (w / (pw * n))
        ys = y0 + (torch.arange(ph * n, dtype=torch.float64) + 0.5) * (h / (ph * n))
        out[k] = _bilinear_zero_outside(features[int(b)], ys, xs).view(C, ph, n, pw, n).mean(dim=(2, 4))
    return out


def _assert_close_rel(actual, expected, rel):
    scale = expected.abs().max().clamp(min=1e-12)
    err = (actual.double() - expected).abs().max()
    assert err <= rel * scale, 'max abs error {:.3e} > {:.1e} * {:.3e}'.format(err.item(), rel, scale.item())


def _random_rois(gen, n, batch, img_h, img_w, lo=-20.0):
    b = torch.randint(0, batch, (n, 1), generator=gen).double()
    xy = lo + torch.rand(n, 2, generator=gen, dtype=torch.float64) * torch.tensor([img_w, img_h]) * 1.1
    wh = 0.5 + torch.rand(n, 2, generator=gen, dtype=torch.float64) * torch.tensor([img_w, img_h]) * 0.6
    return torch.cat([b, xy, xy + wh], dim=1)


@pytest.mark.parametrize('ph,pw,scale', [(3, 4, 0.25), (1, 1, 1.0), (5, 2, 1.0 / 16)])
def test_matches_bruteforce_random(ph, pw, scale):
    gen = torch.Generator().manual_seed(0)
    H, W = 9, 11
    feats = torch.randn(3, 2, H, W, generator=gen, dtype=torch.float64)
    rois = _random_rois(gen, 12, 3, H / scale, W / scale, lo=-3.0 / scale)
    out = prroi_pool2d(feats, rois, ph, pw, scale)
    assert out.shape == (12, 2, ph, pw)
    _assert_close_rel(out, _bruteforce(feats, rois, ph, pw, scale), 1e-9)


def test_matches_uniform_fine_grid():
    # Fully naive reference (uniform sub-sampling, no knowledge of the kinks), looser tolerance.
    gen = torch.Generator().manual_seed(10)
    feats = torch.randn(2, 2, 6, 7, generator=gen, dtype=torch.float64)
    rois = _random_rois(gen, 6, 2, 6.0, 7.0, lo=-1.5)
    out = prroi_pool2d(feats, rois, 2, 2, 1.0)
    ref = _uniform_midpoint(feats, rois, 2, 2, 1.0, n=400)
    _assert_close_rel(out, ref, 1e-4)
    _assert_close_rel(_bruteforce(feats, rois, 2, 2, 1.0), ref, 1e-4)


def test_special_boxes_bruteforce():
    gen = torch.Generator().manual_seed(1)
    feats = torch.randn(2, 3, 7, 8, generator=gen, dtype=torch.float64)
    rois = torch.tensor([
        [0, -5.0, -4.0, 3.3, 2.2],        # partly outside (top-left)
        [1, 5.5, 4.2, 12.0, 9.0],         # partly outside (bottom-right)
        [1, 6.5, 5.5, 7.6, 6.8],          # straddles the last row/column (tent decays to the border)
        [0, 2.3, 3.1, 2.31, 3.12],        # tiny
        [1, -3.0, -3.0, 11.0, 10.0],      # covers the whole map and more
        [0, 0.0, 0.0, 7.0, 6.0],          # exactly the sample grid
        [1, 20.0, 20.0, 25.0, 26.0],      # fully outside -> 0
    ], dtype=torch.float64)
    out = prroi_pool2d(feats, rois, 2, 3, 1.0)
    ref = _bruteforce(feats, rois, 2, 3, 1.0)
    _assert_close_rel(out, ref, 1e-9)
    assert torch.all(out[-1] == 0)
    assert out[3].abs().max() > 0


def test_zero_size_boxes_give_zero():
    feats = torch.randn(2, 4, 6, 6, dtype=torch.float64) + 5.0
    rois = torch.tensor([
        [0, 2.0, 2.0, 2.0, 4.0],          # zero width
        [1, 1.0, 3.0, 4.0, 3.0],          # zero height
        [0, 4.0, 4.0, 1.0, 1.0],          # negative size is clamped to 0
        [0, 4.0, 1.0, 1.0, 4.0],          # negative width, positive height
        [1, 1.0, 4.0, 4.0, 1.0],          # positive width, negative height
        [1, 3.5, 2.5, 3.5, 2.5],          # point
    ], dtype=torch.float64)
    out = PrRoIPool2D(3, 3, 1.0)(feats, rois)
    assert out.shape == (6, 4, 3, 3)
    assert torch.all(out == 0)


def test_no_rois():
    out = prroi_pool2d(torch.randn(1, 5, 4, 4), torch.zeros(0, 5), 2, 2, 1.0)
    assert out.shape == (0, 5, 2, 2)


def test_constant_map_inside_gives_constant():
    feats = torch.full((2, 3, 10, 12), 2.5)
    # inside [0, W-1] x [0, H-1] the interpolant equals the constant; image coords at scale 1/8
    rois = torch.tensor([[0, 0.0, 0.0, 88.0, 72.0], [1, 3.0, 9.0, 40.5, 50.0], [1, 10.0, 10.0, 10.5, 11.0]])
    out = prroi_pool2d(feats, rois, 4, 4, 0.125)
    assert torch.allclose(out, torch.full_like(out, 2.5), rtol=0, atol=1e-5)


def test_linear_map_gives_value_at_bin_center():
    # F(i, j) = a + b*i + c*j is reproduced exactly by bilinear interpolation inside the map, so the bin
    # average equals F at the bin centre (independent closed form).
    H, W = 8, 9
    a, b, c = 0.7, -1.3, 2.1
    i = torch.arange(H, dtype=torch.float64)[:, None]
    j = torch.arange(W, dtype=torch.float64)[None, :]
    feats = (a + b * i + c * j)[None, None]
    x0, y0, x1, y1 = 0.4, 1.2, 7.3, 6.9
    out = prroi_pool2d(feats, torch.tensor([[0, x0, y0, x1, y1]], dtype=torch.float64), 3, 2, 1.0)[0, 0]
    cy = y0 + (torch.arange(3, dtype=torch.float64) + 0.5) * (y1 - y0) / 3
    cx = x0 + (torch.arange(2, dtype=torch.float64) + 0.5) * (x1 - x0) / 2
    expected = a + b * cy[:, None] + c * cx[None, :]
    assert torch.allclose(out, expected, rtol=0, atol=1e-12)


def test_delta_map_no_half_pixel_shift():
    # A unit sample at (i, j) = (3, 4) has a tent of integral 1 supported on [2, 4] x [3, 5].
    feats = torch.zeros(1, 1, 8, 8, dtype=torch.float64)
    feats[0, 0, 3, 4] = 1.0
    rois = torch.tensor([[0, 3.0, 2.0, 5.0, 4.0],        # exactly the support -> 1 / area
                         [0, 4.0, 3.0, 5.0, 4.0],        # one quadrant of the tent: 1/4 over area 1
                         [0, 3.5, 2.5, 4.5, 3.5]],       # centred unit square: (3/4)^2
                        dtype=torch.float64)
    out = prroi_pool2d(feats, rois, 1, 1, 1.0).flatten()
    assert torch.allclose(out, torch.tensor([0.25, 0.25, 0.5625], dtype=torch.float64), atol=1e-12)


def test_spatial_scale_applied_to_coordinates():
    feats = torch.randn(1, 2, 10, 10, dtype=torch.float64)
    rois = torch.tensor([[0, 4.0, 8.0, 30.0, 22.0]], dtype=torch.float64)
    a = prroi_pool2d(feats, rois, 2, 2, 0.25)
    b = prroi_pool2d(feats, torch.cat([rois[:, :1], rois[:, 1:] / 4], 1), 2, 2, 1.0)
    assert torch.allclose(a, b, atol=1e-12)


def test_float32_matches_float64():
    gen = torch.Generator().manual_seed(2)
    feats = torch.randn(2, 16, 18, 18, generator=gen, dtype=torch.float64)
    rois = _random_rois(gen, 10, 2, 288.0, 288.0)
    ref = prroi_pool2d(feats, rois, 4, 4, 1.0 / 16)
    out = prroi_pool2d(feats.float(), rois.float(), 4, 4, 1.0 / 16)
    assert out.dtype == torch.float32
    assert torch.allclose(out.double(), ref, rtol=1e-4, atol=1e-5)
    # float32 rois with float64 features follow the features' dtype
    assert prroi_pool2d(feats, rois.float(), 4, 4, 1.0 / 16).dtype == torch.float64


def test_channels_last_and_noncontiguous_input():
    gen = torch.Generator().manual_seed(3)
    feats = torch.randn(2, 6, 10, 12, generator=gen)
    rois = torch.tensor([[1, 3.0, 2.0, 30.0, 25.0], [0, -5.0, 10.0, 20.0, 44.0]])
    ref = prroi_pool2d(feats, rois, 3, 3, 0.25)
    out_cl = prroi_pool2d(feats.contiguous(memory_format=torch.channels_last), rois, 3, 3, 0.25)
    big = torch.randn(2, 12, 10, 12, generator=gen)
    big[:, ::2] = feats
    out_nc = prroi_pool2d(big[:, ::2], rois, 3, 3, 0.25)
    assert torch.allclose(out_cl, ref, atol=1e-6)
    assert torch.allclose(out_nc, ref, atol=1e-6)
    # feature gradients agree as well
    g = torch.randn(ref.shape, generator=gen)
    grads = []
    for f in (feats, feats.contiguous(memory_format=torch.channels_last)):
        f = f.detach().requires_grad_(True)
        (prroi_pool2d(f, rois, 3, 3, 0.25) * g).sum().backward()
        grads.append(f.grad)
    assert torch.allclose(grads[0], grads[1], atol=1e-6)


def test_gradcheck_features():
    gen = torch.Generator().manual_seed(4)
    feats = torch.randn(2, 2, 5, 6, generator=gen, dtype=torch.float64, requires_grad=True)
    rois = torch.tensor([[0, 0.3, -0.7, 4.2, 3.1], [1, 2.2, 1.4, 6.9, 5.6], [1, 1.1, 1.2, 1.6, 1.5],
                         [1, -2.5, -1.5, 7.5, 6.5]],        # larger than the map in both directions
                        dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda f: prroi_pool2d(f, rois, 2, 2, 1.0), (feats,))


def test_gradcheck_rois():
    gen = torch.Generator().manual_seed(5)
    feats = torch.randn(2, 2, 6, 7, generator=gen, dtype=torch.float64)
    coords = torch.tensor([[0.3, -0.7, 4.2, 3.1], [2.2, 1.4, 6.9, 5.6], [1.1, 1.2, 1.6, 1.45]],
                          dtype=torch.float64, requires_grad=True)
    bidx = torch.tensor([[0.0], [1.0], [1.0]], dtype=torch.float64)

    def fn(c, f):
        return prroi_pool2d(f, torch.cat([bidx, c], dim=1), 2, 3, 1.0)

    assert torch.autograd.gradcheck(fn, (coords, feats.requires_grad_(True)))


def test_gradient_is_adjoint_of_forward():
    # <pool(F), G> must equal <F, dpool^T G>: check the feature gradient against the brute-force pooling of
    # unit maps (independent of autograd).
    gen = torch.Generator().manual_seed(6)
    feats = torch.randn(1, 1, 4, 5, generator=gen, dtype=torch.float64, requires_grad=True)
    rois = torch.tensor([[0, -0.5, 0.3, 3.7, 3.2]], dtype=torch.float64)
    g = torch.randn(1, 1, 2, 2, generator=gen, dtype=torch.float64)
    (prroi_pool2d(feats, rois, 2, 2, 1.0) * g).sum().backward()
    expected = torch.zeros(4, 5, dtype=torch.float64)
    for i in range(4):
        for j in range(5):
            e = torch.zeros(1, 1, 4, 5, dtype=torch.float64)
            e[0, 0, i, j] = 1.0
            expected[i, j] = (_bruteforce(e, rois, 2, 2, 1.0) * g).sum()
    _assert_close_rel(feats.grad[0, 0], expected, 1e-9)


def test_input_validation():
    feats = torch.randn(1, 2, 4, 4)
    with pytest.raises(ValueError, match=r'\(K, 5\)'):
        prroi_pool2d(feats, torch.zeros(3, 4), 2, 2, 1.0)
    with pytest.raises(ValueError, match='batch indices'):
        prroi_pool2d(feats, torch.tensor([[1.0, 0, 0, 2, 2]]), 2, 2, 1.0)
    with pytest.raises(ValueError, match=r'\(B, C, H, W\)'):
        prroi_pool2d(feats[0], torch.zeros(1, 5), 2, 2, 1.0)
    with pytest.raises(ValueError, match='positive'):
        prroi_pool2d(feats, torch.zeros(1, 5), 0, 2, 1.0)


def test_official_import_path():
    from ltr.external.PreciseRoIPooling.pytorch.prroi_pool import PrRoIPool2D as Shim
    from ltr.external.PreciseRoIPooling.pytorch.prroi_pool.functional import prroi_pool2d as shim_fn
    assert Shim is PrRoIPool2D
    assert shim_fn is prroi_pool2d
    m = Shim(3, 5, 1.0 / 16)
    assert (m.pooled_height, m.pooled_width, m.spatial_scale) == (3, 5, 1.0 / 16)
    assert len(list(m.parameters())) == 0


@pytest.mark.skipif(not torch.cuda.is_available(), reason='CUDA not available')
def test_cuda_matches_cpu():
    gen = torch.Generator().manual_seed(7)
    feats = torch.randn(2, 8, 18, 18, generator=gen)
    rois = _random_rois(gen, 9, 2, 288.0, 288.0).float()
    ref = prroi_pool2d(feats, rois, 4, 4, 1.0 / 16)
    f_cuda = feats.cuda().requires_grad_(True)
    out = PrRoIPool2D(4, 4, 1.0 / 16)(f_cuda, rois.cuda())
    assert out.is_cuda
    assert torch.allclose(out.cpu(), ref, rtol=1e-4, atol=1e-5)
    out.sum().backward()
    f_cpu = feats.clone().requires_grad_(True)
    prroi_pool2d(f_cpu, rois, 4, 4, 1.0 / 16).sum().backward()
    assert torch.allclose(f_cuda.grad.cpu(), f_cpu.grad, rtol=1e-4, atol=1e-5)
