"""Per-frame and per-sequence scores of one-pass (OPE) tracking results, pytracking conventions.

Boxes are ``[x, y, w, h]`` rows (top-left corner, width, height; image pixels).

Geometry (inclusive-pixel convention):

- bottom-right = ``xy + wh - 1``; centre = ``xy + 0.5 * (wh - 1)``;
- intersection side = ``min(br) - max(tl) + 1`` clamped at 0; union = ``w*h + w'*h' - intersection``.
  (For the overlap this is numerically the same as the continuous IoU of ``[x, x+w)`` boxes.)
- normalized centre error: both centres divided by the ground-truth ``(w, h)`` before the distance.

Robust per-sequence errors (:func:`calc_seq_err_robust`), in this order:

1. NaN in the predictions, or a negative predicted w/h, raises ``ValueError('Error: Invalid results ...')``;
   NaN in the annotation raises unless the dataset is ``'uav'`` (UAV123 marks absent targets with NaN rows).
2. A predicted box with w or h equal to 0 is replaced by the previous frame's (already fixed) prediction,
   unless the ground-truth row of that frame has a NaN.
3. Length mismatch: predictions are truncated, or zero-padded at the end. For ``'lasot'`` a prediction
   shorter than the ground truth raises (a longer one is truncated).
4. The first frame's prediction is overwritten with the ground truth (IoU 1, error 0).
5. ``valid = (gt_w > 0) & (gt_h > 0)`` (NaN rows are invalid), and ``& target_visible`` when given (LaSOT).
   Invalid frames get IoU ``-1`` (never a success) and normalized error ``-1``; their centre error is
   ``+inf`` (never a success) except for ``'uav'`` where it is ``-1`` (always a success). For LaSOT the
   invisible frames are invalid, so they get ``+inf``.

Threshold grids (pytracking): overlap ``arange(0, 1 + gap, gap)`` (21 values for gap 0.05), centre error
0..50 px (51 values), normalized centre error 0..0.50 in steps of 0.01 (51 values). A sequence's success
rate at threshold t is ``#(IoU > t) / n`` (strict), its precision rate ``#(err <= t) / n``, where ``n`` is
the number of ground-truth rows. With ``exclude_invalid_frames=True`` only the valid frames are counted,
in the numerator and in ``n``. The average overlap (AO) is the mean IoU over the valid frames.
"""
import numpy as np

__all__ = ['overlap_thresholds', 'center_thresholds', 'center_norm_thresholds', 'calc_iou_overlap',
           'calc_center_error', 'calc_seq_err_robust', 'sequence_curves', 'SequenceScores']


def overlap_thresholds(bin_gap=0.05):
    """``arange(0, 1 + gap, gap)`` in float64 (21 values 0, 0.05, ..., 1.0 by default)."""
    return np.arange(0.0, 1.0 + bin_gap, bin_gap, dtype=np.float64)


def center_thresholds():
    """0, 1, ..., 50 pixels."""
    return np.arange(0, 51, dtype=np.float64)


def center_norm_thresholds():
    """0, 0.01, ..., 0.50."""
    return np.arange(0, 51, dtype=np.float64) / 100.0


def _as_boxes(boxes):
    return np.asarray(boxes, dtype=np.float64).reshape(-1, 4)


def calc_iou_overlap(pred_bb, anno_bb):
    """Per-row IoU of two (N, 4) ``[x, y, w, h]`` arrays, inclusive-pixel convention."""
    pred_bb, anno_bb = _as_boxes(pred_bb), _as_boxes(anno_bb)
    tl = np.maximum(pred_bb[:, :2], anno_bb[:, :2])
    # inclusive bottom-right br = xy + wh - 1 and side = br - tl + 1; the -1 / +1 are cancelled in the code so
    # that identical float boxes give exactly IoU 1 (same values, without the rounding of the +-1)
    br_excl = np.minimum(pred_bb[:, :2] + pred_bb[:, 2:], anno_bb[:, :2] + anno_bb[:, 2:])
    size = np.clip(br_excl - tl, 0.0, None)
    intersection = size[:, 0] * size[:, 1]
    union = pred_bb[:, 2] * pred_bb[:, 3] + anno_bb[:, 2] * anno_bb[:, 3] - intersection
    with np.errstate(divide='ignore', invalid='ignore'):
        # IoU <= 1 mathematically; float rounding of (x + w) - x can give 1 + 1 ulp for identical boxes
        return np.minimum(intersection / union, 1.0)


def _centers(boxes):
    return boxes[:, :2] + 0.5 * (boxes[:, 2:] - 1.0)


def calc_center_error(pred_bb, anno_bb, normalized=False):
    """Per-row Euclidean distance of the box centres (optionally both divided by the GT w, h)."""
    pred_bb, anno_bb = _as_boxes(pred_bb), _as_boxes(anno_bb)
    pred_c, anno_c = _centers(pred_bb), _centers(anno_bb)
    if normalized:
        with np.errstate(divide='ignore', invalid='ignore'):
            pred_c = pred_c / anno_bb[:, 2:]
            anno_c = anno_c / anno_bb[:, 2:]
    return np.sqrt(((pred_c - anno_c) ** 2).sum(axis=1))


def calc_seq_err_robust(pred_bb, anno_bb, dataset, target_visible=None):
    """(IoU, centre error, normalized centre error, valid) per frame of one sequence (module docstring).

    args:
        pred_bb - (M, 4) predictions (M may differ from N: truncated / zero-padded).
        anno_bb - (N, 4) ground truth.
        dataset - the Sequence's dataset tag ('otb', 'uav', 'lasot', ...).
        target_visible - optional (N,) bool array.
    returns:
        err_overlap, err_center, err_center_normalized - (N,) float64 arrays;
        valid - (N,) bool array.
    """
    pred_bb = _as_boxes(pred_bb).copy()
    anno_bb = _as_boxes(anno_bb)
    n = anno_bb.shape[0]
    if np.isnan(pred_bb).any() or (pred_bb[:, 2:] < 0.0).any():
        raise ValueError('Error: Invalid results (NaN or negative width/height in the predictions)')
    anno_nan = np.isnan(anno_bb).any(axis=1)
    if anno_nan.any() and dataset != 'uav':
        raise ValueError('Error: NaN in the annotations (only allowed for UAV123)')

    for i in range(1, pred_bb.shape[0]):
        if (pred_bb[i, 2:] == 0.0).any() and not (i < n and anno_nan[i]):
            pred_bb[i] = pred_bb[i - 1]

    if pred_bb.shape[0] != n:
        if dataset == 'lasot' and pred_bb.shape[0] < n:
            raise ValueError('Error: the LaSOT prediction has {} rows for {} ground-truth rows'.format(
                pred_bb.shape[0], n))
        if pred_bb.shape[0] > n:
            pred_bb = pred_bb[:n]
        else:
            pred_bb = np.concatenate([pred_bb, np.zeros((n - pred_bb.shape[0], 4))], axis=0)

    if n > 0:
        pred_bb[0] = anno_bb[0]

    with np.errstate(invalid='ignore'):
        valid = (anno_bb[:, 2] > 0.0) & (anno_bb[:, 3] > 0.0)
    if target_visible is not None:
        valid = valid & np.asarray(target_visible, dtype=bool).reshape(-1)[:n]

    err_overlap = calc_iou_overlap(pred_bb, anno_bb)
    err_center = calc_center_error(pred_bb, anno_bb)
    err_center_normalized = calc_center_error(pred_bb, anno_bb, normalized=True)

    err_overlap[~valid] = -1.0
    err_center_normalized[~valid] = -1.0
    err_center[~valid] = -1.0 if dataset == 'uav' else np.inf
    if dataset == 'lasot' and target_visible is not None:
        err_center[~np.asarray(target_visible, dtype=bool).reshape(-1)[:n]] = np.inf
    return err_overlap, err_center, err_center_normalized, valid


class SequenceScores:
    """Curves of one sequence: success (overlap), precision (centre) and normalized precision, plus AO."""

    def __init__(self, success, precision, norm_precision, avg_overlap, num_valid, num_frames):
        self.success = success
        self.precision = precision
        self.norm_precision = norm_precision
        self.avg_overlap = avg_overlap
        self.num_valid = num_valid
        self.num_frames = num_frames


def sequence_curves(pred_bb, anno_bb, dataset, target_visible=None, exclude_invalid_frames=False, bin_gap=0.05):
    """The ``SequenceScores`` of one sequence (fractions in [0, 1], not percent)."""
    err_overlap, err_center, err_center_norm, valid = calc_seq_err_robust(pred_bb, anno_bb, dataset,
                                                                          target_visible)
    if exclude_invalid_frames:
        err_overlap, err_center, err_center_norm = err_overlap[valid], err_center[valid], err_center_norm[valid]
    seq_length = float(len(err_overlap))
    if seq_length == 0:
        seq_length = float('nan')
    thr_o, thr_c, thr_n = overlap_thresholds(bin_gap), center_thresholds(), center_norm_thresholds()
    success = (err_overlap[:, None] > thr_o[None, :]).sum(axis=0) / seq_length
    precision = (err_center[:, None] <= thr_c[None, :]).sum(axis=0) / seq_length
    norm_precision = (err_center_norm[:, None] <= thr_n[None, :]).sum(axis=0) / seq_length
    ov_valid = err_overlap if exclude_invalid_frames else err_overlap[valid]
    avg_overlap = float(ov_valid.mean()) if ov_valid.size else float('nan')
    return SequenceScores(success, precision, norm_precision, avg_overlap, int(valid.sum()), len(valid))
