"""Geometry helpers of the FCOT training processing: box jitter, square crops, labels and regression targets.

Box convention everywhere: ``[x, y, w, h]`` float, 0-based pixel coordinates of the top-left corner, width and
height, in the image named by the function (source image or crop). A box's centre is ``(x + w/2, y + h/2)``.
"""
import math

import cv2
import numpy as np
import torch

__all__ = ['jitter_box', 'sample_target', 'transform_image_to_crop', 'jittered_center_crop', 'clamp_box_corners',
           'gauss_1d', 'gauss_2d', 'gaussian_label_function', 'ltrb_regression_targets', 'feature_size']


def feature_size(output_sz, stride, what='feature'):
    """``output_sz // stride``, requiring exact divisibility (ValueError naming both values otherwise)."""
    if output_sz % stride != 0:
        raise ValueError('{} size: output_sz {} is not a multiple of the stride {}'.format(what, output_sz, stride))
    return output_sz // stride


def jitter_box(box, scale_jitter_factor, center_jitter_factor, rng):
    """Randomly jitter a box (FCOT/DiMP training jitter).

    size' = wh * exp(N(0, 1) * scale_jitter_factor) per dimension;
    max_offset = sqrt(w' h') * center_jitter_factor;
    centre' = centre + max_offset * (U(0, 1) - 0.5) per dimension.

    Args:
        box: (4,) tensor [x, y, w, h].
        rng: ``np.random.Generator``; draws ``standard_normal(2)`` then ``random(2)``.
    Returns:
        (4,) float32 tensor [x, y, w, h] of the jittered box.
    """
    box = torch.as_tensor(box, dtype=torch.float32)
    size = box[2:4] * torch.exp(torch.from_numpy(rng.standard_normal(2)).float() * scale_jitter_factor)
    max_offset = (size.prod().sqrt() * center_jitter_factor).item()
    centre = box[0:2] + 0.5 * box[2:4] + max_offset * (torch.from_numpy(rng.random(2)).float() - 0.5)
    return torch.cat((centre - 0.5 * size, size))


#: How :func:`sample_target` pads at the right/bottom image edge.
CROP_EDGE_RULES = ('official', 'exact')


def sample_target(im, target_bb, search_area_factor, output_sz=None, edge_rule='official'):
    """Square crop of side ``ceil(sqrt(w h) * search_area_factor)`` centred on ``target_bb``, resized.

    The crop's top-left corner is ``(round(cx - side/2), round(cy - side/2))`` (Python ``round``) with
    ``(cx, cy)`` the box centre. Parts outside the image are filled by border replication
    (``cv2.copyMakeBorder(BORDER_REPLICATE)``). The crop is resized to ``output_sz x output_sz`` with cv2 bilinear.

    ``edge_rule`` (right/bottom padding): ``'official'`` (default) reproduces the official code,
    ``pad = max(x2 - W + 1, 0)``: a crop that reaches the right edge loses the image's last column, which is
    replaced by a copy of the one before (rows alike). ``'exact'`` pads ``max(x2 - W, 0)`` and keeps every pixel.

    Args:
        im: (H, W, C) numpy image.
        target_bb: [x, y, w, h] (tensor or sequence) in image pixels.
        output_sz: int or None (no resize).
        edge_rule: 'official' or 'exact'.
    Returns:
        (crop (output_sz, output_sz, C) or (side, side, C), resize_factor = output_sz / side, or 1.0 without resize)
    Raises:
        ValueError if the crop side is < 1 (degenerate box), naming the box.
    """
    x, y, w, h = [float(v) for v in (target_bb.tolist() if torch.is_tensor(target_bb) else target_bb)]
    if not (w > 0 and h > 0) or not all(math.isfinite(v) for v in (x, y, w, h)):
        raise ValueError('sample_target: box [x, y, w, h] = {} must be finite with w > 0 and h > 0'.format(
            [x, y, w, h]))
    side = math.ceil(math.sqrt(w * h) * search_area_factor)
    if side < 1:
        raise ValueError('sample_target: too small bounding box {} (crop side {})'.format([x, y, w, h], side))
    if edge_rule not in CROP_EDGE_RULES:
        raise ValueError('sample_target: edge_rule {!r}; allowed: {}'.format(edge_rule, CROP_EDGE_RULES))
    x1 = round(x + 0.5 * w - side * 0.5)
    y1 = round(y + 0.5 * h - side * 0.5)
    x2, y2 = x1 + side, y1 + side
    im_h, im_w = im.shape[:2]
    pad_left, pad_top = max(0, -x1), max(0, -y1)
    extra = 1 if edge_rule == 'official' else 0
    pad_right, pad_bottom = max(0, x2 - im_w + extra), max(0, y2 - im_h + extra)
    inner = im[y1 + pad_top:y2 - pad_bottom, x1 + pad_left:x2 - pad_right]
    if inner.size == 0:
        # The crop lies entirely outside the image: replicate the nearest image pixel(s).
        xs = np.clip(np.arange(x1, x2), 0, im_w - 1)
        ys = np.clip(np.arange(y1, y2), 0, im_h - 1)
        crop = im[ys[:, None], xs[None, :]]
    else:
        crop = cv2.copyMakeBorder(inner, pad_top, pad_bottom, pad_left, pad_right, cv2.BORDER_REPLICATE)
    if output_sz is None:
        return crop, 1.0
    return cv2.resize(crop, (int(output_sz), int(output_sz)), interpolation=cv2.INTER_LINEAR), output_sz / side


def transform_image_to_crop(box_in, box_extract, resize_factor, crop_sz):
    """Map ``box_in`` (image pixels) into the crop made around ``box_extract`` by :func:`sample_target`.

    centre_out = (crop_sz - 1)/2 + (centre_in - centre_extract) * resize_factor; wh_out = wh_in * resize_factor.
    Returns a (4,) float32 tensor [x, y, w, h] in crop pixels.
    """
    box_in = torch.as_tensor(box_in, dtype=torch.float32)
    box_extract = torch.as_tensor(box_extract, dtype=torch.float32)
    centre_extract = box_extract[0:2] + 0.5 * box_extract[2:4]
    centre_in = box_in[0:2] + 0.5 * box_in[2:4]
    centre_out = (crop_sz - 1) / 2 + (centre_in - centre_extract) * resize_factor
    wh_out = box_in[2:4] * resize_factor
    return torch.cat((centre_out - 0.5 * wh_out, wh_out))


def jittered_center_crop(frames, box_extract, box_gt, search_area_factor, output_sz, edge_rule='official'):
    """Crop every frame around its ``box_extract`` and map ``box_gt`` into the crop.

    Args:
        frames: list of (H, W, 3) images; box_extract, box_gt: lists of (4,) [x, y, w, h] image-pixel boxes.
    Returns:
        (list of (output_sz, output_sz, 3) crops, list of (4,) crop-pixel boxes [x, y, w, h])
    """
    crops, boxes = [], []
    for frame, b_ext, b_gt in zip(frames, box_extract, box_gt):
        crop, resize_factor = sample_target(frame, b_ext, search_area_factor, output_sz, edge_rule)
        crops.append(crop)
        boxes.append(transform_image_to_crop(b_gt, b_ext, resize_factor, output_sz))
    return crops, boxes


def clamp_box_corners(box, output_sz):
    """Clamp the corners of [x, y, w, h] boxes (..., 4) to [0, output_sz - 1]; returns [x, y, w, h]."""
    box = torch.as_tensor(box, dtype=torch.float32)
    x0y0 = box[..., 0:2].clamp(0, output_sz - 1)
    x1y1 = (box[..., 0:2] + box[..., 2:4]).clamp(0, output_sz - 1)
    return torch.cat((x0y0, x1y1 - x0y0), dim=-1)


def gauss_1d(sz, sigma, center, end_pad=0):
    """Gaussians on the grid k = -(sz-1)/2, ..., (sz+1)/2 - 1 + end_pad (sz + end_pad points).

    Args:
        center: (N,) centres in grid coordinates (0 = middle of the grid). Returns (N, sz + end_pad).
    """
    k = torch.arange(-(sz - 1) / 2, (sz + 1) / 2 + end_pad, dtype=torch.float32).reshape(1, -1)
    return torch.exp(-1.0 / (2 * sigma ** 2) * (k - center.reshape(-1, 1)) ** 2)


def gauss_2d(sz, sigma, center, end_pad=(0, 0)):
    """Separable 2-D Gaussians. sz, sigma, end_pad: (x, y) pairs; center: (N, 2) (x, y).
    Returns (N, sz_y + end_pad_y, sz_x + end_pad_x): rows are y, columns are x."""
    gx = gauss_1d(sz[0], sigma[0], center[:, 0], end_pad[0]).reshape(center.shape[0], 1, -1)
    gy = gauss_1d(sz[1], sigma[1], center[:, 1], end_pad[1]).reshape(center.shape[0], -1, 1)
    return gy * gx


def gaussian_label_function(target_bb, sigma_factor, kernel_sz, feat_sz, image_sz, end_pad_if_even=True):
    """Gaussian classification labels centred on the target (pytracking ``gaussian_label_function``).

    With the target centre c (image pixels) on a feature grid of size F (image size S):
    centre index = F * (c - S/2) / S + 0.5 * (kernel_sz + 1 mod 2) on the grid k = -(F-1)/2, ..., and the label is
    exp(-(k - centre)^2 / (2 sigma^2)) per dimension, with sigma = sigma_factor * F (in cells). For an even kernel
    and ``end_pad_if_even`` the grid gets one extra point (F + 1), matching the filter output size. The peak lies
    at grid index c * F / S (e.g. c / 16 for 288 -> 18).

    Args:
        target_bb: (N, 4) boxes [x, y, w, h] in image pixels.
        kernel_sz, feat_sz, image_sz: int or (x, y) pairs.
    Returns:
        (N, F_y + pad, F_x + pad) float32 labels.
    """
    target_bb = torch.as_tensor(target_bb, dtype=torch.float32).reshape(-1, 4)
    kernel_sz = _pair(kernel_sz)
    feat_sz = torch.tensor(_pair(feat_sz), dtype=torch.float32)
    image_sz = torch.tensor(_pair(image_sz), dtype=torch.float32)
    target_center = target_bb[:, 0:2] + 0.5 * target_bb[:, 2:4]
    target_center_norm = (target_center - image_sz / 2) / image_sz
    center = feat_sz * target_center_norm + 0.5 * torch.tensor(
        [(kernel_sz[0] + 1) % 2, (kernel_sz[1] + 1) % 2], dtype=torch.float32)
    sigma = sigma_factor * feat_sz.prod().sqrt().item()
    end_pad = (int(kernel_sz[0] % 2 == 0), int(kernel_sz[1] % 2 == 0)) if end_pad_if_even else (0, 0)
    sz = (int(feat_sz[0].item()), int(feat_sz[1].item()))
    return gauss_2d(sz, (sigma, sigma), center, end_pad)


def ltrb_regression_targets(boxes, stride, feat_sz):
    """FCOT regression targets from crop boxes (after corner clamping).

    With corners x0, y0, x1, y1 (crop pixels) and float centre cx = (x0 + x1)/2, cy = (y0 + y1)/2:
    w2h2 = (cx - x0, x1 - cx, cy - y0, y1 - cy) / stride  (left, right, top, bottom distances in cells), and
    ind = int(cy / stride) * feat_sz + int(cx / stride)   (row-major index of the centre cell, row = y).

    Args:
        boxes: (N, 4) [x, y, w, h]. stride: 4 for the 72-grid of a 288 crop. feat_sz: grid size (72).
    Returns:
        (w2h2 (N, 4) float32, ind (N,) int64)
    """
    boxes = torch.as_tensor(boxes, dtype=torch.float32).reshape(-1, 4)
    x0, y0 = boxes[:, 0], boxes[:, 1]
    x1, y1 = x0 + boxes[:, 2], y0 + boxes[:, 3]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w2h2 = torch.stack((cx - x0, x1 - cx, cy - y0, y1 - cy), dim=1) / stride
    col = torch.trunc(cx / stride).long().clamp(0, feat_sz - 1)
    row = torch.trunc(cy / stride).long().clamp(0, feat_sz - 1)
    return w2h2, row * feat_sz + col


def _pair(v):
    if isinstance(v, (int, float)):
        return (v, v)
    v = tuple(v)
    if len(v) != 2:
        raise ValueError('expected an int or an (x, y) pair, got {}'.format(v))
    return v
