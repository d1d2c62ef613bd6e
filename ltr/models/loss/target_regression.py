"""FCOT regression loss (``ltr.models.loss.target_regression``)."""
import torch
import torch.nn as nn

__all__ = ['REGLoss', 'iou_loss_ltrb']


def iou_loss_ltrb(pred, target):
    """IoU loss of boxes given as distances (left, right, top, bottom) from a common point, (..., 4) each.

    I = (min(l) + min(r)) * (min(t) + min(b)); U = A_pred + A_target - I with A = (l + r)(t + b);
    loss = -ln((I + 1) / (U + 1)). Returns (...,).
    """
    p_l, p_r, p_t, p_b = pred.unbind(-1)
    t_l, t_r, t_t, t_b = target.unbind(-1)
    area_p = (p_l + p_r) * (p_t + p_b)
    area_t = (t_l + t_r) * (t_t + t_b)
    inter = (torch.min(p_l, t_l) + torch.min(p_r, t_r)) * (torch.min(p_t, t_t) + torch.min(p_b, t_b))
    union = area_p + area_t - inter
    return -torch.log((inter + 1.0) / (union + 1.0))


class REGLoss(nn.Module):
    """FCOT box-regression loss around the target centre cell.

    forward(output, ind, target):
        output: (..., dim, H, W) regression maps; channel order (0 l, 1 r, 2 t, 3 b), distances in cells.
            Viewed as (B', dim, H, W).
        ind: (...) int64 centre-cell index ``row * W + col`` (row = y, col = x), viewed as (B',).
        target: (..., dim) target distances (l, r, t, b) at the centre cell, viewed as (B', dim).

    For each shift (dx, dy) in [-radius, radius]^2 the target at cell (row cy + dy, col cx + dx) is
    (l + dx, r - dx, t + dy, b - dy). A shift is skipped for the whole batch if any sample's shifted target has a
    side < 0 or its cell lies outside the grid. Each kept shift contributes the IoU loss (``loss_type='iou'``,
    :func:`iou_loss_ltrb`) averaged over the B' samples; the result is the mean over kept shifts (only the centre
    shift if none is kept). Returns a scalar tensor.
    """

    def __init__(self, dim=4, loss_type='iou', radius=2):
        super().__init__()
        if loss_type != 'iou':
            raise ValueError("REGLoss: loss_type {!r} is not supported; allowed: 'iou'".format(loss_type))
        if dim != 4:
            raise ValueError('REGLoss: dim must be 4 (l, r, t, b), got {}'.format(dim))
        self.dim = dim
        self.loss_type = loss_type
        self.radius = int(radius)

    def forward(self, output, ind, target):
        h, w = output.shape[-2:]
        output = output.reshape(-1, self.dim, h * w)
        ind = ind.reshape(-1).long()
        target = target.reshape(-1, self.dim).to(output.dtype)
        if not (output.shape[0] == ind.shape[0] == target.shape[0]):
            raise ValueError('REGLoss: {} maps, {} indices and {} targets'.format(output.shape[0], ind.shape[0],
                                                                                   target.shape[0]))
        cx, cy = ind % w, ind // w                                                          # (B',)
        r = torch.arange(-self.radius, self.radius + 1, device=output.device)
        dy, dx = torch.meshgrid(r, r, indexing='ij')
        dx, dy = dx.reshape(-1, 1), dy.reshape(-1, 1)                                       # (S, 1)
        shift = torch.stack((dx, -dx, dy, -dy), dim=-1).to(target.dtype)                     # (S, 1, 4)
        shifted_target = target.unsqueeze(0) + shift                                        # (S, B', 4)
        col, row = cx.unsqueeze(0) + dx, cy.unsqueeze(0) + dy                               # (S, B')
        inside = (col >= 0) & (col < w) & (row >= 0) & (row < h)
        keep = (shifted_target >= 0).all(dim=2).all(dim=1) & inside.all(dim=1)              # (S,)
        centre = (dx.flatten() == 0) & (dy.flatten() == 0)
        if not bool(keep.any()):
            keep = centre

        flat = (row.clamp(0, h - 1) * w + col.clamp(0, w - 1))[keep]                        # (K, B')
        batch_idx = torch.arange(output.shape[0], device=output.device).unsqueeze(0)       # (1, B')
        pred = output.transpose(1, 2)[batch_idx, flat]                                      # (K, B', dim)
        losses = iou_loss_ltrb(pred, shifted_target[keep])                                  # (K, B')
        return losses.mean(dim=1).mean()
