"""Evaluate tracking results of several trackers on a dataset (one-pass), with a cache.

``extract_results(trackers, dataset, report_name, ...)`` reads ``<tracker.results_dir>/<seq.name>.txt``
(tab or comma delimited ``[x, y, w, h]`` rows) and ``<seq.name>_time.txt`` of every (sequence, tracker),
computes the per-sequence curves of :mod:`pytracking.analysis.metrics` and returns a dict (also cached in
``<result_plot_path>/<report_name>/eval_data.npz``) with the keys

- ``sequences`` (names), ``sequence_datasets`` (tags), ``sequence_lengths``;
- ``trackers``: list of ``{'name', 'param', 'run_id', 'disp_name'}``;
- ``valid_sequence``: (S,) bool; False for a sequence some tracker has no result for (``skip_missing_seq``);
- ``ave_success_rate_plot_overlap`` (S, T, 21), ``ave_success_rate_plot_center`` (S, T, 51),
  ``ave_success_rate_plot_center_norm`` (S, T, 51): per-sequence curves as fractions in [0, 1];
- ``avg_overlap_all`` (S, T): mean IoU over the valid frames (AO);
- ``fps`` (S, T): ``frames / sum(times)`` from the time file (init included; NaN when it is missing);
- ``num_frames_timed`` and ``total_time`` (S, T): what the FPS is made of;
- ``threshold_set_overlap``, ``threshold_set_center``, ``threshold_set_center_norm``;
- ``cache_key``: see below.

Cache: a NumPy ``.npz`` file read with ``allow_pickle=False`` (arrays, plus the lists and strings as one JSON
text), so a planted cache file cannot run code; a file that cannot be read or does not hold the expected entries is
recomputed. It is reused unless ``force_evaluation=True`` or its ``cache_key`` differs from the current one,
which is a SHA-256 over the options, the tracker list (name, param, run id), the sequence list (name, dataset
tag, ground-truth content) and the path, size and modification time (ns) of every box and time result file
(missing files included as missing). So any rewritten, added or deleted result file, a changed ground truth or
another tracker/sequence list triggers a recomputation. Display names are refreshed from the current trackers.
"""
import hashlib
import json
import os

import numpy as np

from pytracking.analysis.metrics import (center_norm_thresholds, center_thresholds, overlap_thresholds,
                                         sequence_curves)
from pytracking.evaluation.environment import env_settings, required_path
from pytracking.evaluation.results_io import load_result_boxes, load_result_times, result_file_paths

__all__ = ['extract_results', 'load_eval_data', 'tracker_display_name', 'eval_data_path', 'compute_cache_key',
           'MissingResultsError']

_CACHE_VERSION = 2
_ARRAY_KEYS = ('valid_sequence', 'ave_success_rate_plot_overlap', 'ave_success_rate_plot_center',
               'ave_success_rate_plot_center_norm', 'avg_overlap_all', 'fps', 'num_frames_timed', 'total_time',
               'threshold_set_overlap', 'threshold_set_center', 'threshold_set_center_norm')
_JSON_KEYS = ('sequences', 'sequence_datasets', 'sequence_lengths', 'trackers', 'options', 'cache_key')


class MissingResultsError(FileNotFoundError):
    """Result files are missing; ``missing`` lists (tracker label, sequence name) pairs."""

    def __init__(self, message, missing):
        super().__init__(message)
        self.missing = missing


def tracker_display_name(tracker):
    """``display_name``, else ``<name>_<param>`` (plus ``_<run_id:03d>`` with a run id)."""
    if getattr(tracker, 'display_name', None):
        return tracker.display_name
    if tracker.run_id is None:
        return '{}_{}'.format(tracker.name, tracker.parameter_name)
    return '{}_{}_{:03d}'.format(tracker.name, tracker.parameter_name, tracker.run_id)


def _file_stamp(path):
    try:
        st = os.stat(path)
    except OSError:
        return [path, None]
    return [path, st.st_size, st.st_mtime_ns]


def _gt_digest(seq):
    gt = np.ascontiguousarray(np.asarray(seq.ground_truth_rect, dtype=np.float64))
    h = hashlib.sha256(gt.tobytes())
    if getattr(seq, 'target_visible', None) is not None:
        h.update(np.ascontiguousarray(np.asarray(seq.target_visible, dtype=bool)).tobytes())
    return h.hexdigest()


def compute_cache_key(trackers, dataset, options):
    """The cache key (hex SHA-256) of a (trackers, dataset, options) evaluation; see the module docstring."""
    files = []
    for seq in dataset:
        for trk in trackers:
            for path in result_file_paths(trk.results_dir, seq.name):
                files.append(_file_stamp(path))
    content = {'version': _CACHE_VERSION, 'options': options,
               'trackers': [[t.name, t.parameter_name, t.run_id] for t in trackers],
               'sequences': [[s.name, s.dataset, _gt_digest(s)] for s in dataset],
               'files': files}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def eval_data_path(report_name, settings=None):
    """``<result_plot_path>/<report_name>/eval_data.npz``."""
    settings = env_settings() if settings is None else settings
    base = required_path('result_plot_path', settings, must_exist=False)
    return os.path.join(base, report_name, 'eval_data.npz')


def _write_cache(path, eval_data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    arrays = {k: np.asarray(eval_data[k]) for k in _ARRAY_KEYS}
    text = json.dumps({k: eval_data[k] for k in _JSON_KEYS})
    tmp = '{}.tmp{}.npz'.format(path, os.getpid())
    np.savez(tmp, __json__=np.array(text), **arrays)
    os.replace(tmp, path)


def _read_cache(path):
    """The cached eval data, or None when the file is missing, unreadable or not what this module writes."""
    if not os.path.isfile(path):
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            data = json.loads(str(z['__json__']))
            if not isinstance(data, dict) or any(k not in data for k in _JSON_KEYS):
                return None
            for k in _ARRAY_KEYS:
                data[k] = z[k]
    except Exception:  # unreadable / unexpected content: recomputed by the caller
        return None
    if data.get('cache_key') is None or not isinstance(data.get('trackers'), list):
        return None
    return data


def load_eval_data(report_name):
    """The cached eval data of ``report_name`` (None if there is none or it cannot be read)."""
    return _read_cache(eval_data_path(report_name))


def _tracker_entries(trackers):
    return [{'name': t.name, 'param': t.parameter_name, 'run_id': t.run_id, 'disp_name': tracker_display_name(t)}
            for t in trackers]


def extract_results(trackers, dataset, report_name, skip_missing_seq=False, plot_bin_gap=0.05,
                    exclude_invalid_frames=False, force_evaluation=False, verbose=True):
    """Evaluate ``trackers`` (list of Tracker) on ``dataset`` (SequenceList); returns the eval-data dict.

    args:
        report_name - folder under ``result_plot_path`` for the cache and plots.
        skip_missing_seq - a sequence with a missing result file (for any tracker) is marked invalid for all
                           trackers instead of raising ``MissingResultsError``.
        plot_bin_gap - step of the overlap thresholds (0.05: 21 thresholds).
        exclude_invalid_frames - count only valid frames (see metrics).
        force_evaluation - recompute even when the cache is up to date.
    """
    trackers = list(trackers)
    dataset = list(dataset)
    options = {'skip_missing_seq': bool(skip_missing_seq), 'plot_bin_gap': float(plot_bin_gap),
               'exclude_invalid_frames': bool(exclude_invalid_frames)}
    cache_key = compute_cache_key(trackers, dataset, options)
    path = eval_data_path(report_name)
    if not force_evaluation:
        cached = _read_cache(path)
        if cached is not None and cached.get('cache_key') == cache_key:
            cached['trackers'] = _tracker_entries(trackers)
            cached['from_cache'] = True
            return cached

    thr_o, thr_c, thr_n = overlap_thresholds(plot_bin_gap), center_thresholds(), center_norm_thresholds()
    S, T = len(dataset), len(trackers)
    succ = np.zeros((S, T, len(thr_o)))
    prec = np.zeros((S, T, len(thr_c)))
    norm_prec = np.zeros((S, T, len(thr_n)))
    avg_overlap = np.zeros((S, T))
    fps = np.full((S, T), np.nan)
    num_timed = np.zeros((S, T))
    total_time = np.full((S, T), np.nan)
    valid_sequence = np.ones(S, dtype=bool)
    missing = []

    for s, seq in enumerate(dataset):
        anno = np.asarray(seq.ground_truth_rect, dtype=np.float64).reshape(-1, 4)
        for t, trk in enumerate(trackers):
            box_path, time_path = result_file_paths(trk.results_dir, seq.name)
            if not os.path.isfile(box_path):
                missing.append((trk.label(), seq.name))
                valid_sequence[s] = False
                continue
            pred = load_result_boxes(box_path)
            try:
                scores = sequence_curves(pred, anno, seq.dataset, getattr(seq, 'target_visible', None),
                                         exclude_invalid_frames, plot_bin_gap)
            except ValueError as e:
                raise ValueError('{} (tracker {}, sequence {}, file {})'.format(e, trk.label(), seq.name,
                                                                                box_path)) from e
            succ[s, t], prec[s, t], norm_prec[s, t] = scores.success, scores.precision, scores.norm_precision
            avg_overlap[s, t] = scores.avg_overlap
            if os.path.isfile(time_path):
                times = load_result_times(time_path)
                num_timed[s, t] = len(times)
                total_time[s, t] = float(times.sum())
                if total_time[s, t] > 0:
                    fps[s, t] = len(times) / total_time[s, t]

    if missing and not skip_missing_seq:
        shown = '\n'.join('  {} | {}'.format(*m) for m in missing[:20])
        more = '' if len(missing) <= 20 else '\n  ... and {} more'.format(len(missing) - 20)
        raise MissingResultsError('{} result file(s) missing (use skip_missing_seq=True to skip those sequences):'
                                  '\n{}{}'.format(len(missing), shown, more), missing)
    if missing and verbose:
        print('Skipping {} sequence(s) with missing results: {}'.format(
            int((~valid_sequence).sum()), ', '.join(dataset[i].name for i in np.flatnonzero(~valid_sequence))))

    eval_data = {'sequences': [s.name for s in dataset],
                 'sequence_datasets': [s.dataset for s in dataset],
                 'sequence_lengths': [len(np.asarray(s.ground_truth_rect).reshape(-1, 4)) for s in dataset],
                 'trackers': _tracker_entries(trackers),
                 'valid_sequence': valid_sequence,
                 'ave_success_rate_plot_overlap': succ,
                 'ave_success_rate_plot_center': prec,
                 'ave_success_rate_plot_center_norm': norm_prec,
                 'avg_overlap_all': avg_overlap,
                 'fps': fps, 'num_frames_timed': num_timed, 'total_time': total_time,
                 'threshold_set_overlap': thr_o, 'threshold_set_center': thr_c,
                 'threshold_set_center_norm': thr_n,
                 'options': options, 'cache_key': cache_key}
    _write_cache(path, eval_data)
    eval_data['from_cache'] = False
    return eval_data
