"""Both steepest-descent optimizers against an independent dense-matrix computation (float64)."""
import math

import numpy as np
import pytest
import torch

from ltr.models.target_classifier.optimizer import DiMPSteepestDescentGN
from ltr.models.target_regression.optimizer import RegSteepestDescentGN
from ltr.models.target_regression.label import generate_w2h2_label


def correlation_matrix(feat: np.ndarray, k: int) -> np.ndarray:
    """Explicit matrix A of the cross-correlation with padding k//2: ``scores.ravel() = A @ filter.ravel()``.

    feat: (I, C, H, W) -> A: (I * H' * W', C * k * k)."""
    n_img, c, h, w = feat.shape
    p = k // 2
    ho, wo = h + 2 * p - k + 1, w + 2 * p - k + 1
    a = np.zeros((n_img, ho, wo, c, k, k))
    for i in range(n_img):
        for y in range(ho):
            for x in range(wo):
                for u in range(k):
                    for v in range(k):
                        yy, xx = y + u - p, x + v - p
                        if 0 <= yy < h and 0 <= xx < w:
                            a[i, y, x, :, u, v] = feat[i, :, yy, xx]
    return a.reshape(n_img * ho * wo, c * k * k), (ho, wo)


def distance_bins(center_rc, out_hw, num_bins, disp):
    """Independent DistanceMap: (num_bins, H, W) tent-binned distance to ``center_rc``."""
    out = np.zeros((num_bins,) + tuple(out_hw))
    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            rho = math.hypot(i - center_rc[0], j - center_rc[1])
            for b in range(num_bins - 1):
                out[b, i, j] = max(0.0, 1.0 - abs(rho / disp - b))
            out[-1, i, j] = min(max(1.0 + rho / disp - (num_bins - 1), 0.0), 1.0)
    return out


def make_problem(seed, n_img=3, n_seq=2, c=3, hw=6):
    g = torch.Generator().manual_seed(seed)
    feat = torch.randn(n_img, n_seq, c, hw, hw, generator=g, dtype=torch.float64)
    # boxes inside a (hw * stride) image
    return feat, g


#: Boxes ``(3 images, 2 sequences, [x, y, w, h])`` inside a 24x24 input (6x6 features at stride 4).
CLF_BOXES = torch.tensor([[[3.0, 5.0, 9.0, 7.0], [10.0, 2.0, 6.0, 11.0]],
                          [[4.0, 6.0, 8.0, 8.0], [9.0, 3.0, 7.0, 10.0]],
                          [[2.5, 4.5, 10.0, 6.0], [11.0, 1.0, 5.0, 12.0]]], dtype=torch.float64)


def classifier_optimizer(num_iter, stride, num_bins, disp):
    """A float64 DiMP classifier optimizer with the tracking recipe's step, regularisation and label values."""
    return DiMPSteepestDescentGN(num_iter=num_iter, feat_stride=stride, init_step_length=0.9, init_filter_reg=0.1,
                                 init_gauss_sigma=0.9, num_dist_bins=num_bins, bin_displacement=disp,
                                 mask_init_factor=3.0).double()


@pytest.mark.parametrize('use_weights', [False, True])
def test_classifier_optimizer_matches_dense_formulas(use_weights):
    stride, k, num_bins, disp = 4, 4, 10, 0.5
    feat, g = make_problem(0)
    n_img, n_seq, c, h, w = feat.shape
    bb = CLF_BOXES.clone()
    opt = classifier_optimizer(4, stride, num_bins, disp)
    with torch.no_grad():  # random (non-initial) predictors so every term matters
        opt.label_map_predictor.weight.copy_(torch.rand(1, num_bins, 1, 1, generator=g, dtype=torch.float64))
        opt.target_mask_predictor[0].weight.copy_(torch.randn(1, num_bins, 1, 1, generator=g, dtype=torch.float64))
        opt.spatial_weight_predictor.weight.copy_(0.5 + torch.rand(1, num_bins, 1, 1, generator=g, dtype=torch.float64))
    f0 = torch.randn(n_seq, c, k, k, generator=g, dtype=torch.float64)
    sample_weight = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64) if use_weights else None
    with torch.no_grad():
        _, iterates, _ = opt(f0, feat, bb, sample_weight=sample_weight)

    lam = max(0.1 ** 2, 1e-6)
    beta = 0.9
    wl = opt.label_map_predictor.weight.detach().numpy().reshape(-1)
    wm = opt.target_mask_predictor[0].weight.detach().numpy().reshape(-1)
    wv = opt.spatial_weight_predictor.weight.detach().numpy().reshape(-1)
    for s in range(n_seq):
        a, out_hw = correlation_matrix(feat[:, s].numpy(), k)
        ys, ms, ws = [], [], []
        for i in range(n_img):
            x, y, bw, bh = bb[i, s].tolist()
            centre = ((y + bh / 2) / stride, (x + bw / 2) / stride)  # filter size 4: no offset
            bins = distance_bins(centre, out_hw, num_bins, disp)
            ys.append(np.tensordot(wl, bins, 1).ravel())
            ms.append((1 / (1 + np.exp(-np.tensordot(wm, bins, 1)))).ravel())
            sw = math.sqrt(sample_weight[i].item()) if use_weights else math.sqrt(1 / n_img)
            ws.append(sw * np.tensordot(wv, bins, 1).ravel())
        yv, mv, wvv = np.concatenate(ys), np.concatenate(ms), np.concatenate(ws)
        f = f0[s].numpy().ravel()
        for it in range(4):
            sc = a @ f
            act = (1 - mv) / 2 * np.abs(sc) + (1 + mv) / 2 * sc
            q = (1 - mv) / 2 * np.sign(sc) + (1 + mv) / 2
            r = wvv * (act - yv)
            grad = a.T @ (q * wvv * r) + lam * f
            hvec = wvv * q * (a @ grad)
            alpha = grad @ grad / max(hvec @ hvec + lam * grad @ grad, 1e-8)
            f = f - beta * alpha * grad
            np.testing.assert_allclose(iterates[it + 1][s].numpy().ravel(), f, rtol=1e-6, atol=1e-9)


def independent_w2h2_label(bb, size, stride, transposed):
    n = bb.shape[0]
    lab = np.zeros((n, 4, size, size))
    msk = np.zeros((n, 4, size, size))
    for i, (x, y, w, h) in enumerate(bb.tolist()):
        cx, cy = int((x + w / 2) / stride), int((y + h / 2) / stride)
        l, t, r, b = int(x / stride), int(y / stride), int((x + w) / stride), int((y + h) / stride)
        row, col = (cx, cy) if transposed else (cy, cx)
        lab[i, :, row, col] = [cx - l, r - cx, cy - t, b - cy]
        msk[i, :, row, col] = 1
    return lab, msk


@pytest.mark.parametrize('transposed', [True, False])
@pytest.mark.parametrize('use_weights', [False, True])
def test_regression_optimizer_matches_dense_formulas(transposed, use_weights):
    stride, k = 4, 3
    feat, g = make_problem(1, n_img=3, n_seq=2, c=2, hw=7)
    n_img, n_seq, c, h, w = feat.shape
    bb = torch.tensor([[[3.0, 5.0, 9.0, 13.0], [10.0, 2.0, 6.0, 11.0]],
                       [[4.0, 6.0, 12.0, 8.0], [9.0, 3.0, 7.0, 10.0]],
                       [[2.5, 2.5, 10.0, 8.0], [11.0, 1.0, 9.0, 12.0]]], dtype=torch.float64)
    opt = RegSteepestDescentGN(num_iter=3, feat_stride=stride, init_step_length=1.3, init_filter_reg=0.2,
                               transposed_label=transposed).double()
    f0 = torch.randn(n_seq, 4, c, k, k, generator=g, dtype=torch.float64)
    sample_weight = torch.tensor([0.6, 0.3, 0.1], dtype=torch.float64) if use_weights else None
    with torch.no_grad():
        _, iterates, losses = opt(f0, feat, bb, sample_weight=sample_weight)
    lam, beta = 0.2 ** 2, 1.3
    for s in range(n_seq):
        a, out_hw = correlation_matrix(feat[:, s].numpy(), k)        # (I*H*W, C*k*k)
        lab, msk = independent_w2h2_label(bb[:, s].numpy(), h, stride, transposed)
        # 4 output channels share the features: block-diagonal over the offset dimension.
        big_a = np.zeros((n_img, 4, h * w, 4, c * k * k))
        a_img = a.reshape(n_img, h * w, c * k * k)
        for d in range(4):
            big_a[:, d, :, d, :] = a_img
        big_a = big_a.reshape(n_img * 4 * h * w, 4 * c * k * k)
        sw = np.sqrt(sample_weight.numpy()) if use_weights else np.full(n_img, math.sqrt(1 / n_img))
        wvec = np.repeat(sw, 4 * h * w)
        t, m = lab.ravel(), msk.ravel()
        f = f0[s].numpy().ravel()
        for it in range(3):
            r = wvec * m * (big_a @ f - t)
            grad = big_a.T @ (wvec * r) + lam * f
            hvec = wvec * (big_a @ grad)
            alpha = grad @ grad / max(hvec @ hvec + lam * grad @ grad, 1e-8)
            f = f - beta * alpha * grad
            np.testing.assert_allclose(iterates[it + 1][s].numpy().ravel(), f, rtol=1e-6, atol=1e-9)


def test_w2h2_label_transposed_quirk():
    # Spec §1.8.6: a box centred at x=100, y=200 gives the mask at row 25, col 50.
    bb = torch.tensor([[80.0, 170.0, 40.0, 60.0]])
    lab, msk = generate_w2h2_label(bb, 72, 4, 0, transposed=True)
    rows, cols = torch.nonzero(msk[0, 0], as_tuple=True)
    assert (rows.tolist(), cols.tolist()) == ([25], [50])
    assert lab[0, :, 25, 50].tolist() == [25 - 20, 30 - 25, 50 - 42, 57 - 50]
    _, msk_fixed = generate_w2h2_label(bb, 72, 4, 0, transposed=False)
    assert torch.nonzero(msk_fixed[0, 0]).tolist() == [[50, 25]]


def test_w2h2_label_radius_skips_whole_shift():
    # Box B spans x-cells 25..27 with centre cell 26: shifting by dx = +-1 makes one side 0, so every
    # dx != 0 shift is skipped for the whole batch (also for box A, which alone would allow it).
    bb = torch.tensor([[40.0, 40.0, 40.0, 40.0], [100.0, 100.0, 8.0, 30.0]])
    lab, msk = generate_w2h2_label(bb, 72, 4, radius=1, transposed=False)
    assert msk[0, 0].sum() == 3 and msk[1, 0].sum() == 3
    for dy in (-1, 0, 1):
        assert lab[0, :, 15 + dy, 15].tolist() == [5, 5, 5 + dy, 5 - dy]
        assert lab[1, :, 28 + dy, 26].tolist() == [1, 1, 3 + dy, 4 - dy]


def test_losses_decrease_on_random_data():
    torch.manual_seed(3)
    feat = torch.randn(4, 2, 8, 9, 9)
    bb = torch.tensor([[[10.0, 12.0, 12.0, 10.0], [14.0, 9.0, 8.0, 14.0]]]).repeat(4, 1, 1)
    clf = DiMPSteepestDescentGN(num_iter=8, feat_stride=4, init_step_length=0.9, init_filter_reg=0.1,
                                init_gauss_sigma=0.9, num_dist_bins=10, bin_displacement=0.5, mask_init_factor=3.0)
    with torch.no_grad():
        _, _, losses = clf(torch.zeros(2, 8, 4, 4), feat, bb)
    losses = torch.stack(losses)
    assert losses[-1] < 0.5 * losses[0]
    assert torch.all(losses[1:] <= losses[:-1] + 1e-6)

    reg = RegSteepestDescentGN(num_iter=8, feat_stride=4, init_step_length=1.0, init_filter_reg=0.1)
    with torch.no_grad():
        _, _, rlosses = reg(torch.zeros(2, 4, 8, 3, 3), feat, bb)
    rlosses = torch.stack(rlosses)
    assert rlosses[-1] < 0.5 * rlosses[0]
    assert torch.all(rlosses[1:] <= rlosses[:-1] + 1e-6)


def test_precomputed_label_maps_give_the_same_iterates():
    """The tracker passes each memory slot's cached label/mask/weight maps (``label_mask_weight=``): the iterates
    equal those of the optimizer building them from the boxes, and maps of the wrong shape are refused."""
    stride, k = 4, 4
    feat, g = make_problem(3)
    n_img, n_seq, c, h, w = feat.shape
    bb = CLF_BOXES.clone()
    opt = classifier_optimizer(3, stride, 10, 0.5)
    f0 = torch.randn(n_seq, c, k, k, generator=g, dtype=torch.float64)
    weights = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
    with torch.no_grad():
        maps = opt.label_mask_weight(bb, (k, k), (h, w))
        assert all(m.shape == (n_img, n_seq, h + 1, w + 1) for m in maps)       # even filter: one more row/column
        _, built, _ = opt(f0, feat, bb, sample_weight=weights)
        _, cached, _ = opt(f0, feat, bb, sample_weight=weights, label_mask_weight=maps)
        for a, b in zip(built, cached):
            assert torch.equal(a, b)
        # maps of other boxes change the result (the argument is really used)
        other = opt.label_mask_weight(bb + 4.0, (k, k), (h, w))
        _, moved, _ = opt(f0, feat, bb, sample_weight=weights, label_mask_weight=other)
        assert not torch.allclose(moved[-1], built[-1])
        with pytest.raises(ValueError, match='label_mask_weight shapes'):
            opt(f0, feat, bb, label_mask_weight=tuple(m[:, :, :-1] for m in maps))
