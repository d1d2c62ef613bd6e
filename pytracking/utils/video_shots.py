"""Track objects within the shots of a real video and draw the result: annotated MP4 and contact sheet.

A shot is ``(label, first_frame, last_frame, init_box)`` with 0-based inclusive frame indices and ``init_box`` =
``[x, y, w, h]`` in image pixels on ``first_frame``. The tracker is initialised anew at the start of each shot.
"""
import time
from typing import Callable, List, Sequence, Tuple

import cv2
import numpy as np

from pytracking.utils.visual_style import TRACKER_BGR, draw_box, draw_legend

__all__ = ['Shot', 'track_shots', 'write_annotated_video', 'write_contact_sheet']

Shot = Tuple[str, int, int, Sequence[float]]


def track_shots(frames: np.ndarray, shots: List[Shot], make_tracker: Callable, log=print):
    """Run a fresh tracker (``make_tracker()``) over every shot of ``frames`` ``(T, H, W, 3)`` RGB.

    Returns ``{frame_index: (shot_label, box)}`` and ``{shot_label: {'frames', 'fps', 'init_s'}}``.
    """
    boxes, stats = {}, {}
    for label, first, last, init_box in shots:
        if not 0 <= first <= last < len(frames):
            raise ValueError(f"shot {label!r}: frames {first}..{last} outside the video's 0..{len(frames) - 1}")
        tracker = make_tracker()
        tic = time.perf_counter()
        tracker.initialize(frames[first], {'init_bbox': list(init_box)})
        init_s = time.perf_counter() - tic
        boxes[first] = (label, [float(v) for v in init_box])
        tic = time.perf_counter()
        for t in range(first + 1, last + 1):
            boxes[t] = (label, tracker.track(frames[t])['target_bbox'])
        track_s = time.perf_counter() - tic
        stats[label] = {'frames': last - first + 1, 'fps': (last - first) / max(track_s, 1e-9), 'init_s': init_s}
        if log is not None:
            log(f"  {label}: frames {first}-{last}, {stats[label]['fps']:.1f} FPS, init {init_s:.2f} s")
    return boxes, stats


def _annotate(frame_rgb, t, boxes, tracker_name):
    img = cv2.cvtColor(frame_rgb, cv2.COLOR_RGB2BGR)
    if t in boxes:
        label, box = boxes[t]
        draw_box(img, box, TRACKER_BGR, 2)
        caption = f'frame {t}  {label}'
    else:
        caption = f'frame {t}  (no target in this shot)'
    draw_legend(img, [(tracker_name, TRACKER_BGR)])
    cv2.putText(img, caption, (6, img.shape[0] - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1,
                cv2.LINE_AA)
    return img


def write_annotated_video(path, frames, boxes, fps, tracker_name='FCOT-tiny', frame_range=None):
    """An MP4 of ``frames`` (all, or ``range(*frame_range)``) with the tracker's box and a legend."""
    indices = range(len(frames)) if frame_range is None else range(*frame_range)
    h, w = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps, (w, h))
    if not writer.isOpened():
        raise OSError(f"OpenCV cannot write the video '{path}'")
    try:
        for t in indices:
            writer.write(_annotate(frames[t], t, boxes, tracker_name))
    finally:
        writer.release()
    return path


def write_contact_sheet(path, frames, boxes, step=10, columns=4, width=320, tracker_name='FCOT-tiny'):
    """A PNG grid of every ``step``-th tracked frame (downscaled to ``width`` pixels) with boxes and captions."""
    tiles = []
    for t in sorted(boxes):
        first = min(k for k, (lab, _) in boxes.items() if lab == boxes[t][0])
        if (t - first) % step == 0:
            img = _annotate(frames[t], t, boxes, tracker_name)
            tiles.append(cv2.resize(img, (width, int(round(img.shape[0] * width / img.shape[1]))),
                                    interpolation=cv2.INTER_AREA))
    if not tiles:
        raise ValueError('no tracked frame to put on the contact sheet')
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.concatenate(tiles[i:i + columns], axis=1) for i in range(0, len(tiles), columns)]
    if not cv2.imwrite(path, np.concatenate(rows, axis=0)):
        raise OSError(f"could not write '{path}'")
    return path
