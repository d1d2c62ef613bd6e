"""VOT region geometry: polygon / rectangle overlap and polygon -> box conversion (pure numpy).

Coordinates are continuous image coordinates. Rectangles are ``[x, y, w, h]`` and cover
``[x, x + w] x [y, y + h]``; polygons are ``[x1, y1, ..., xk, yk]`` (VOT: k = 4).

Overlap (``region_overlap``): the exact intersection area of a polygon and an axis-aligned rectangle,
computed by clipping the polygon against the rectangle's four half-planes (Sutherland-Hodgman) and taking the
shoelace area. Clipping a polygon against a convex window gives the exact intersection area also for a
non-convex (simple) polygon: the output may contain zero-area "bridges" along the window border, which add
nothing to the area. Self-intersecting polygons (never in VOT2018) are not supported (the signed areas of
their loops would partly cancel). With ``bounds=(W, H)`` both regions are first cut to the image
``[0, W] x [0, H]`` (as the VOT toolkit does). The VOT toolkit rasterizes regions on the pixel grid, so its
overlaps differ from these exact areas in the sub-pixel range; a zero overlap (a failure) is the same except
for regions that only touch.
"""
import numpy as np

__all__ = ['polygon_area', 'clip_polygon_to_rect', 'region_overlap', 'rect_to_polygon', 'vot_anno_to_rect']


def _as_points(poly):
    return np.asarray(poly, dtype=np.float64).reshape(-1, 2)


def polygon_area(poly):
    """Absolute shoelace area of a polygon ([x1, y1, ...] or (K, 2))."""
    p = _as_points(poly)
    if len(p) < 3:
        return 0.0
    x, y = p[:, 0], p[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _clip_half_plane(points, axis, limit, keep_greater):
    """Clip a polygon (list of (x, y)) to the half plane coord[axis] >= limit (or <= limit)."""
    if not points:
        return points

    def inside(p):
        return p[axis] >= limit if keep_greater else p[axis] <= limit

    out = []
    n = len(points)
    for i in range(n):
        cur, prev = points[i], points[i - 1]
        cur_in, prev_in = inside(cur), inside(prev)
        if cur_in != prev_in:
            t = (limit - prev[axis]) / (cur[axis] - prev[axis])
            cross = (prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1]))
            cross = (limit, cross[1]) if axis == 0 else (cross[0], limit)
            out.append(cross)
        if cur_in:
            out.append(cur)
    return out


def clip_polygon_to_rect(poly, x0, y0, x1, y1):
    """The polygon clipped to the rectangle [x0, x1] x [y0, y1], as a (K, 2) array (K may be 0)."""
    points = [tuple(p) for p in _as_points(poly)]
    for axis, limit, greater in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        points = _clip_half_plane(points, axis, limit, greater)
    return np.asarray(points, dtype=np.float64).reshape(-1, 2)


def rect_to_polygon(rect):
    """[x, y, w, h] -> [x, y, x + w, y, x + w, y + h, x, y + h]."""
    x, y, w, h = [float(v) for v in np.asarray(rect, dtype=np.float64).reshape(-1)[:4]]
    return np.array([x, y, x + w, y, x + w, y + h, x, y + h])


def _as_polygon(region):
    region = np.asarray(region, dtype=np.float64).reshape(-1)
    if region.size == 4:
        return rect_to_polygon(region)
    if region.size < 6 or region.size % 2:
        raise ValueError('A region must be [x, y, w, h] or a polygon [x1, y1, ..., xk, yk], got {} values'.format(
            region.size))
    return region


def region_overlap(region, rect, bounds=None):
    """IoU of a region (polygon or [x, y, w, h]) and a rectangle [x, y, w, h] (exact areas).

    args:
        bounds - optional (W, H): both regions are cut to [0, W] x [0, H] first.
    returns:
        IoU in [0, 1] (0 when the union is empty).
    """
    poly = _as_polygon(region)
    x, y, w, h = [float(v) for v in np.asarray(rect, dtype=np.float64).reshape(-1)[:4]]
    rx0, ry0, rx1, ry1 = x, y, x + max(w, 0.0), y + max(h, 0.0)
    if bounds is not None:
        bw, bh = float(bounds[0]), float(bounds[1])
        poly = clip_polygon_to_rect(poly, 0.0, 0.0, bw, bh)
        rx0, ry0 = min(max(rx0, 0.0), bw), min(max(ry0, 0.0), bh)
        rx1, ry1 = min(max(rx1, 0.0), bw), min(max(ry1, 0.0), bh)
    area_poly = polygon_area(poly)
    area_rect = max(rx1 - rx0, 0.0) * max(ry1 - ry0, 0.0)
    if area_rect <= 0.0 or area_poly <= 0.0:
        inter = 0.0
    else:
        inter = polygon_area(clip_polygon_to_rect(poly, rx0, ry0, rx1, ry1))
    union = area_poly + area_rect - inter
    return float(inter / union) if union > 0 else 0.0


def vot_anno_to_rect(region, conversion_type='preserve_area'):
    """The [x, y, w, h] init box of a VOT region (polygon or box).

    - ``'preserve_area'`` (pysot ``get_axis_aligned_bbox``, FCOT/pytracking VOT parameter): centre = mean of
      the polygon's vertices; with the min/max box (x1, y1, x2, y2), ``A_poly = |p1 - p2| * |p2 - p3|`` (the area
      of the rectangle the VOT quadrilateral annotates) and ``s = sqrt(A_poly / ((x2 - x1) * (y2 - y1)))``:
      ``w = s * (x2 - x1) + 1``, ``h = s * (y2 - y1) + 1``, box ``[cx - (w - 1) / 2, cy - (h - 1) / 2, w, h]``.
    - ``'union'``: the min/max box ``[x1, y1, x2 - x1, y2 - y1]``.
    A 4-value region is returned unchanged.
    """
    region = np.asarray(region, dtype=np.float64).reshape(-1)
    if region.size == 4:
        return [float(v) for v in region]
    pts = region.reshape(-1, 2)
    x1, y1 = pts.min(axis=0)
    x2, y2 = pts.max(axis=0)
    if conversion_type == 'union':
        return [float(x1), float(y1), float(x2 - x1), float(y2 - y1)]
    if conversion_type != 'preserve_area':
        raise ValueError("vot_anno_conversion_type must be 'preserve_area' or 'union', got {!r}".format(
            conversion_type))
    cx, cy = pts.mean(axis=0)
    a_poly = np.linalg.norm(pts[0] - pts[1]) * np.linalg.norm(pts[1] - pts[2])
    a_box = (x2 - x1) * (y2 - y1)
    s = np.sqrt(a_poly / a_box) if a_box > 0 else 1.0
    w = s * (x2 - x1) + 1.0
    h = s * (y2 - y1) + 1.0
    return [float(cx - (w - 1.0) / 2.0), float(cy - (h - 1.0) / 2.0), float(w), float(h)]
