"""LBHinge and REGLoss against hand-computed values and an independent loop implementation."""
import math

import pytest
import torch

from ltr.models.loss import LBHinge, REGLoss


# ------------------------------------------------------------------------------------------------- LBHinge
PRED = torch.tensor([[-1.0, 0.5], [0.2, 2.0]])
LABEL = torch.tensor([[0.0, 0.01], [1.0, 0.5]])


def test_lbhinge_hand_computed():
    # Background (label < 0.05): relu(pred) vs 0 -> 0, 0.25; target: (0.2 - 1)^2, (2 - 0.5)^2.
    assert LBHinge(threshold=0.05)(PRED, LABEL).item() == pytest.approx((0 + 0.25 + 0.64 + 2.25) / 4)
    # No threshold (-100): plain MSE.
    assert LBHinge()(PRED, LABEL).item() == pytest.approx((1 + 0.49 ** 2 + 0.64 + 2.25) / 4)
    assert LBHinge(threshold=0.05, clip=0.5)(PRED, LABEL).item() == pytest.approx(0.5)
    l1 = LBHinge(error_metric=torch.nn.L1Loss(), threshold=0.05)(PRED, LABEL)
    assert l1.item() == pytest.approx((0 + 0.5 + 0.8 + 1.5) / 4)


def test_lbhinge_no_gradient_for_negative_background_scores():
    pred = PRED.clone().requires_grad_(True)
    LBHinge(threshold=0.05)(pred, LABEL, target_bb=None).backward()
    assert pred.grad[0, 0] == 0 and pred.grad[0, 1] != 0 and pred.grad[1, 0] != 0


def test_lbhinge_shape_mismatch():
    with pytest.raises(ValueError, match='shape'):
        LBHinge(threshold=0.05)(torch.zeros(2, 19, 19), torch.zeros(2, 18, 18))


# ------------------------------------------------------------------------------------------------- REGLoss
def reference_regloss(output, ind, target, radius):
    """Loop implementation of section 3.3."""
    output = output.reshape(-1, 4, output.shape[-2], output.shape[-1])
    ind, target = ind.reshape(-1), target.reshape(-1, 4)
    n, _, h, w = output.shape
    per_shift = []
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            losses, ok = [], True
            for b in range(n):
                cx, cy = int(ind[b]) % w, int(ind[b]) // w
                t = target[b] + torch.tensor([dx, -dx, dy, -dy], dtype=torch.float32)
                r, c = cy + dy, cx + dx
                if (t < 0).any() or not (0 <= r < h and 0 <= c < w):
                    ok = False
                    break
                p = output[b, :, r, c]
                inter = (min(p[0], t[0]) + min(p[1], t[1])) * (min(p[2], t[2]) + min(p[3], t[3]))
                union = (p[0] + p[1]) * (p[2] + p[3]) + (t[0] + t[1]) * (t[2] + t[3]) - inter
                losses.append(-math.log((inter + 1) / (union + 1)))
            if ok:
                per_shift.append(sum(losses) / n)
    return sum(per_shift) / len(per_shift)


def test_regloss_hand_computed_constant_prediction():
    output = torch.full((1, 4, 8, 8), 2.0)
    ind = torch.tensor([4 * 8 + 3])                  # row 4, col 3
    target = torch.tensor([[2.0, 2.0, 2.0, 2.0]])
    # Shifts with one unit offset: I = 12, U = 20; diagonal: I = 9, U = 23; centre: 0.
    expected = (4 * math.log(21 / 13) + 4 * math.log(24 / 10)) / 9
    assert REGLoss(radius=1)(output, ind, target).item() == pytest.approx(expected, rel=1e-6)


def test_regloss_reads_row_y_col_x():
    output = torch.zeros(1, 4, 8, 8)
    output[0, :, 2, 5] = torch.tensor([1.0, 2.0, 3.0, 4.0])  # row 2 (y), col 5 (x)
    target = torch.tensor([[1.0, 2.0, 3.0, 4.0]])
    assert REGLoss(radius=0)(output, torch.tensor([2 * 8 + 5]), target).item() == pytest.approx(0.0, abs=1e-7)
    # Transposed indexing would read a zero prediction: -ln(1 / (21 + 1)).
    assert REGLoss(radius=0)(output, torch.tensor([5 * 8 + 2]), target).item() == pytest.approx(math.log(22))


def _iou_loss_by_hand(pred, target):
    """-ln((I + 1) / (U + 1)) per row of (l, r, t, b), written out with Python floats (spec §3.3)."""
    out = []
    for p, t in zip(pred.tolist(), target.tolist()):
        area_p = (p[0] + p[1]) * (p[2] + p[3])
        area_t = (t[0] + t[1]) * (t[2] + t[3])
        inter = (min(p[0], t[0]) + min(p[1], t[1])) * (min(p[2], t[2]) + min(p[3], t[3]))
        union = area_p + area_t - inter
        out.append(-math.log((inter + 1.0) / (union + 1.0)))
    return out


def test_regloss_shift_skipped_for_whole_batch():
    torch.manual_seed(0)
    output = torch.rand(2, 4, 10, 10) * 4 + 0.5
    ind = torch.tensor([5 * 10 + 5, 3 * 10 + 4])
    target = torch.tensor([[2.0, 3.0, 2.5, 1.5],
                           [1.5, 2.0, 0.5, 3.0]])  # t = 0.5: dy <= -1 gives t + dy < 0 -> skipped for both samples
    loss = REGLoss(radius=2)(output, ind, target).item()
    assert loss == pytest.approx(reference_regloss(output, ind, target, 2), rel=1e-5)
    # Kept shifts: dy in {0, 1} (sample 1: t + dy >= 0; sample 0: b - dy >= 0) and dx in {-1, ..., 2}
    # (sample 1: l + dx >= 0 and r - dx >= 0).
    kept = [(dx, dy) for dx in (-1, 0, 1, 2) for dy in (0, 1)]
    manual = 0.0
    for dx, dy in kept:
        shift = torch.tensor([dx, -dx, dy, -dy], dtype=torch.float32)
        rows, cols = torch.tensor([5, 3]) + dy, torch.tensor([5, 4]) + dx
        pred = output[torch.arange(2), :, rows, cols]
        manual += sum(_iou_loss_by_hand(pred, target + shift)) / 2
    assert loss == pytest.approx(manual / len(kept), rel=1e-5)


def test_regloss_cells_outside_grid_are_skipped():
    output = torch.rand(1, 4, 6, 6) + 1
    ind = torch.tensor([0 * 6 + 0])  # top-left cell: negative shifts leave the grid
    target = torch.tensor([[3.0, 3.0, 3.0, 3.0]])
    loss = REGLoss(radius=2)(output, ind, target).item()
    assert loss == pytest.approx(reference_regloss(output, ind, target, 2), rel=1e-5)


def test_regloss_falls_back_to_centre_when_no_shift_is_kept():
    output = torch.rand(1, 4, 5, 5) + 1
    target = torch.tensor([[-0.5, 3.0, 2.0, 2.0]])  # l < 0 already at the centre: no shift is kept
    loss = REGLoss(radius=0)(output, torch.tensor([12]), target)
    expected = _iou_loss_by_hand(output[0, :, 2, 2].reshape(1, 4), target)[0]
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_regloss_accepts_frame_and_sequence_dims_and_backpropagates():
    torch.manual_seed(1)
    output = (torch.rand(3, 2, 4, 72, 72) * 5 + 1).requires_grad_(True)
    ind = torch.randint(10, 60, (3, 2)) * 72 + torch.randint(10, 60, (3, 2))
    target = torch.rand(3, 2, 4) * 5 + 2.5
    loss = REGLoss()(output, ind, target)
    assert loss.item() == pytest.approx(reference_regloss(output.detach(), ind, target, 2), rel=1e-5)
    loss.backward()
    assert output.grad.abs().sum() > 0


def test_regloss_rejects_other_loss_types():
    with pytest.raises(ValueError, match="allowed: 'iou'"):
        REGLoss(loss_type='l1')
