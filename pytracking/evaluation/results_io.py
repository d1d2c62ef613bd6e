"""Tracking result files: writing (atomically), completeness checks and reading.

Per sequence and tracker run, in ``tracker.results_dir``:

- ``<seq>.txt``: one line per frame, including the init frame, ``x<TAB>y<TAB>w<TAB>h``
  (top-left corner, width, height, image pixels). Floats (``%f``) by default;
  with ``int_results=True`` pytracking's integer format: values truncated
  towards zero (``astype(int)``) and written with ``%d``.
- ``<seq>_time.txt``: one float (``%f``) per frame, seconds; line 1 is the
  initialization time.
- ``<seq>_object_presence_scores.txt`` (only when the tracker reports an
  'object_presence_score' for every frame): one float per frame.

Files are written to a temporary file in the same folder and moved in place
with ``os.replace``, so a reader never sees half a file. A run that was
interrupted leaves either no file or a file with fewer lines than frames;
``results_complete`` is False for both, so the sequence is run again.
"""
import os

import numpy as np

__all__ = ['result_file_paths', 'save_tracker_output', 'results_complete', 'results_state',
           'load_result_boxes', 'load_result_times', 'atomic_write_text']


def result_file_paths(results_dir, seq_name):
    """(box file, time file) of sequence ``seq_name`` in ``results_dir`` (a name with path components is refused)."""
    from pytracking.evaluation.data import check_sequence_name
    base = os.path.join(results_dir, check_sequence_name(seq_name, 'the results of ' + str(results_dir)))
    return base + '.txt', base + '_time.txt'


def atomic_write_text(path, text):
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``."""
    tmp_path = '{}.tmp{}'.format(path, os.getpid())
    try:
        with open(tmp_path, 'w') as f:
            f.write(text)
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise


def _boxes_array(boxes, seq_name):
    try:
        arr = np.asarray([np.asarray(b, dtype=np.float64).reshape(-1) for b in boxes], dtype=np.float64)
    except ValueError as e:
        raise ValueError("Tracker output 'target_bbox' of sequence '{}' is not a list of [x, y, w, h] boxes: {}"
                         .format(seq_name, e)) from e
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise ValueError("Tracker output 'target_bbox' of sequence '{}' must have 4 values per frame, got shape {}"
                         .format(seq_name, arr.shape))
    bad = np.flatnonzero(~np.isfinite(arr).all(axis=1))
    if bad.size:
        raise ValueError("Tracker output 'target_bbox' of sequence '{}' has non-finite values at frame(s) {}: {}"
                         .format(seq_name, bad[:10].tolist(), arr[bad[0]].tolist()))
    return arr


def _format_rows(arr, fmt):
    return ''.join('\t'.join(fmt % v for v in row) + '\n' for row in arr)


def save_tracker_output(seq, tracker, output, int_results=False):
    """Write the box and time files of ``seq`` for ``tracker`` (needs ``tracker.results_dir``).

    args:
        seq - the Sequence (its ``name`` and number of frames are used).
        tracker - object with ``results_dir``.
        output - dict with 'target_bbox' (per-frame [x, y, w, h]) and 'time' (per-frame seconds).
        int_results - write integer boxes (truncation) instead of floats.
    returns:
        (box file path, time file path)
    raises:
        ValueError - missing keys, wrong number of frames, or non-finite boxes (the message names the sequence).
    """
    num_frames = len(seq.frames)
    for key in ('target_bbox', 'time'):
        if key not in output:
            raise ValueError("Tracker output of sequence '{}' has no '{}' (keys: {})".format(
                seq.name, key, sorted(output)))
        if len(output[key]) != num_frames:
            raise ValueError("Tracker output '{}' of sequence '{}' has {} entries for {} frames".format(
                key, seq.name, len(output[key]), num_frames))
    if any(isinstance(b, dict) for b in output['target_bbox']):
        raise NotImplementedError("Saving multi-object outputs (per-object dicts) is not supported (sequence '{}')"
                                  .format(seq.name))
    boxes = _boxes_array(output['target_bbox'], seq.name)
    times = np.asarray(output['time'], dtype=np.float64).reshape(-1)

    os.makedirs(tracker.results_dir, exist_ok=True)
    box_path, time_path = result_file_paths(tracker.results_dir, seq.name)
    if int_results:
        box_text = _format_rows(boxes.astype(int), '%d')
    else:
        box_text = _format_rows(boxes, '%f')
    time_text = ''.join('%f\n' % t for t in times)
    scores = output.get('object_presence_score')
    if scores is not None and len(scores) == num_frames and all(s is not None for s in scores):
        atomic_write_text(os.path.join(tracker.results_dir, seq.name + '_object_presence_scores.txt'),
                          ''.join('%f\n' % float(s) for s in scores))
    # The box file goes last: a crash in between leaves an incomplete pair, which is redone.
    atomic_write_text(time_path, time_text)
    atomic_write_text(box_path, box_text)
    return box_path, time_path


def _valid_rows(path, num_values):
    """Number of non-empty lines if every one of them parses as ``num_values`` finite numbers (tab, comma or
    space separated), else None (e.g. a last row cut in the middle of a write)."""
    count = 0
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            parts = line.replace(',', ' ').split()
            if len(parts) != num_values:
                return None
            try:
                values = [float(v) for v in parts]
            except ValueError:
                return None
            if not all(np.isfinite(values)):
                return None
            count += 1
    return count


def results_state(tracker, seq):
    """'complete', 'partial' or 'missing'. Complete means both files exist, the box file has one row of 4 finite
    numbers per frame and the time file one finite number per frame; anything else (a cut row, a stray word, NaN)
    is partial and is redone."""
    box_path, time_path = result_file_paths(tracker.results_dir, seq.name)
    exists = [os.path.isfile(p) for p in (box_path, time_path)]
    if not any(exists):
        return 'missing'
    if not all(exists):
        return 'partial'
    num_frames = len(seq.frames)
    if _valid_rows(box_path, 4) != num_frames or _valid_rows(time_path, 1) != num_frames:
        return 'partial'
    return 'complete'


def results_complete(tracker, seq):
    """True when both result files of ``seq`` exist and have one line per frame."""
    return results_state(tracker, seq) == 'complete'


def load_result_boxes(path):
    """A box result file as an (N, 4) float64 array (tab or comma delimited)."""
    from pytracking.utils.load_text import load_text
    return np.atleast_2d(load_text(path, delimiter=('\t', ','), dtype=np.float64))


def load_result_times(path):
    """A time result file as an (N,) float64 array."""
    from pytracking.utils.load_text import load_text
    return np.asarray(load_text(path, delimiter=None, dtype=np.float64)).reshape(-1)
