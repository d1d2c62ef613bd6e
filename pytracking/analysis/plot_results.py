"""Scores, tables and plots from the eval data of :func:`pytracking.analysis.extract_results.extract_results`.

Score definitions (pytracking): the per-sequence curves are averaged over the valid sequences (a mean of
sequences, not a pooling of frames) and multiplied by 100.

- AUC: the mean of the success curve over the overlap thresholds (21 for the default gap 0.05);
- OP50 / OP75: the success curve at the overlap thresholds 0.50 / 0.75;
- Precision: the precision curve at 20 px; Norm Precision: the normalized-precision curve at 0.20;
- AO: the mean over sequences of the per-sequence mean IoU (valid frames), x 100;
- FPS: the mean over sequences (and runs) of the per-sequence ``frames / sum(times)`` of the ``_time.txt``
  files, init frame included (pytracking's per-sequence FPS); sequences without a time file are ignored.
  ``fps_overall`` is ``sum(frames) / sum(times)`` over all of them.

``merge_results=True`` averages the per-sequence curves, AOs and FPS over the runs of one (name, param)
(i.e. the mean over run ids, as pytracking's multi-run numbers).

Plots are written with matplotlib's Agg canvas (no display needed) as PNG and PDF to
``<result_plot_path>/<report_name>/{success,precision,norm_precision}_plot.{png,pdf}``.
"""
import os
from collections import OrderedDict

import numpy as np

from pytracking.analysis.extract_results import eval_data_path, extract_results

__all__ = ['compute_scores', 'print_results', 'plot_results', 'print_per_sequence_results',
           'print_results_per_attribute', 'format_table', 'SCORE_COLUMNS']

#: (column title, score key) of the main table.
SCORE_COLUMNS = (('AUC', 'auc'), ('OP50', 'op50'), ('OP75', 'op75'), ('Precision', 'precision'),
                 ('Norm Precision', 'norm_precision'), ('FPS', 'fps'))


def _threshold_index(thresholds, value):
    idx = int(np.argmin(np.abs(np.asarray(thresholds) - value)))
    if abs(thresholds[idx] - value) > 1e-9:
        raise ValueError('No threshold {} in {}'.format(value, thresholds))
    return idx


def _groups(eval_data, merge_results):
    trackers = eval_data['trackers']
    if not merge_results:
        return [([i], t['disp_name'], t) for i, t in enumerate(trackers)]
    groups = OrderedDict()
    for i, t in enumerate(trackers):
        groups.setdefault((t['name'], t['param']), []).append(i)
    out = []
    for (name, param), idx in groups.items():
        first = trackers[idx[0]]
        disp = first['disp_name'] if len(idx) == 1 else '{}_{}'.format(name, param)
        if len(idx) > 1 and first['disp_name'] and not first['disp_name'].startswith('{}_{}'.format(name, param)):
            disp = first['disp_name']
        out.append((idx, disp, first))
    return out


def compute_scores(eval_data, merge_results=False, sequence_mask=None):
    """A list of score dicts, one per tracker (or per (name, param) with ``merge_results``).

    Each dict: 'disp_name', 'name', 'param', 'run_ids', 'auc', 'op50', 'op75', 'precision', 'norm_precision',
    'ao', 'fps', 'fps_overall', 'num_sequences', the averaged curves 'success_curve', 'precision_curve',
    'norm_precision_curve' (percent), the thresholds, and per-sequence 'seq_auc', 'seq_ao' (percent; NaN for
    invalid sequences). ``sequence_mask`` (S,) bool restricts the sequences (e.g. one attribute).
    """
    valid = np.asarray(eval_data['valid_sequence'], dtype=bool).copy()
    if sequence_mask is not None:
        valid &= np.asarray(sequence_mask, dtype=bool)
    thr_o = np.asarray(eval_data['threshold_set_overlap'])
    thr_c = np.asarray(eval_data['threshold_set_center'])
    thr_n = np.asarray(eval_data['threshold_set_center_norm'])
    i50, i75 = _threshold_index(thr_o, 0.5), _threshold_index(thr_o, 0.75)
    i20, in20 = _threshold_index(thr_c, 20), _threshold_index(thr_n, 0.2)
    results = []
    for idx, disp, first in _groups(eval_data, merge_results):
        succ = np.asarray(eval_data['ave_success_rate_plot_overlap'])[:, idx, :].mean(axis=1)
        prec = np.asarray(eval_data['ave_success_rate_plot_center'])[:, idx, :].mean(axis=1)
        norm = np.asarray(eval_data['ave_success_rate_plot_center_norm'])[:, idx, :].mean(axis=1)
        ao = np.asarray(eval_data['avg_overlap_all'])[:, idx].mean(axis=1)
        fps = np.asarray(eval_data['fps'])[:, idx]
        n_timed = np.asarray(eval_data['num_frames_timed'])[:, idx]
        tot_time = np.asarray(eval_data['total_time'])[:, idx]
        with np.errstate(invalid='ignore'):
            succ_curve = succ[valid].mean(axis=0) * 100.0 if valid.any() else np.full(len(thr_o), np.nan)
            prec_curve = prec[valid].mean(axis=0) * 100.0 if valid.any() else np.full(len(thr_c), np.nan)
            norm_curve = norm[valid].mean(axis=0) * 100.0 if valid.any() else np.full(len(thr_n), np.nan)
        fps_valid = fps[valid]
        fps_valid = fps_valid[np.isfinite(fps_valid)]
        timed = np.isfinite(tot_time[valid]) & (tot_time[valid] > 0)
        seq_auc = np.where(valid, succ.mean(axis=1) * 100.0, np.nan)
        results.append({
            'disp_name': disp, 'name': first['name'], 'param': first['param'],
            'run_ids': [eval_data['trackers'][i]['run_id'] for i in idx],
            'auc': float(succ_curve.mean()), 'op50': float(succ_curve[i50]), 'op75': float(succ_curve[i75]),
            'precision': float(prec_curve[i20]), 'norm_precision': float(norm_curve[in20]),
            'ao': float(ao[valid].mean() * 100.0) if valid.any() else float('nan'),
            'fps': float(fps_valid.mean()) if fps_valid.size else float('nan'),
            'fps_overall': (float(n_timed[valid][timed].sum() / tot_time[valid][timed].sum())
                            if timed.any() else float('nan')),
            'num_sequences': int(valid.sum()),
            'success_curve': succ_curve, 'precision_curve': prec_curve, 'norm_precision_curve': norm_curve,
            'threshold_set_overlap': thr_o, 'threshold_set_center': thr_c, 'threshold_set_center_norm': thr_n,
            'seq_auc': seq_auc, 'seq_ao': np.where(valid, ao * 100.0, np.nan)})
    return results


def _fmt(v):
    return '-' if v is None or not np.isfinite(v) else '%0.2f' % v


def format_table(report_name, scores, columns=SCORE_COLUMNS):
    """The text table: a header line with the report name, the column titles, one row per score dict."""
    name_w = max([len(report_name)] + [len(s['disp_name']) for s in scores]) + 2
    widths = [max(len(title), 6) + 2 for title, _ in columns]
    lines = ['{:<{}}|'.format(report_name, name_w) + '|'.join(' {:<{}}'.format(title, w - 1)
                                                                  for (title, _), w in zip(columns, widths)) + '|']
    for s in scores:
        lines.append('{:<{}}|'.format(s['disp_name'], name_w) + '|'.join(
            ' {:<{}}'.format(_fmt(s[key]), w - 1) for (_, key), w in zip(columns, widths)) + '|')
    return '\n'.join(lines)


def print_results(trackers, dataset, report_name, merge_results=False, plot_types=None, **kwargs):
    """Evaluate (or load from the cache) and print the table; returns the score dicts.

    ``plot_types`` (optional) selects columns like pytracking: 'success' (AUC, OP50, OP75), 'prec',
    'norm_prec', plus 'fps'; default: all. ``kwargs`` go to ``extract_results`` (force_evaluation,
    skip_missing_seq, exclude_invalid_frames, plot_bin_gap).
    """
    eval_data = extract_results(trackers, dataset, report_name, **kwargs)
    scores = compute_scores(eval_data, merge_results=merge_results)
    columns = SCORE_COLUMNS
    if plot_types is not None:
        plot_types = [plot_types] if isinstance(plot_types, str) else list(plot_types)
        wanted = {'success': ('auc', 'op50', 'op75'), 'prec': ('precision',), 'norm_prec': ('norm_precision',),
                  'fps': ('fps',)}
        keys = [k for p in plot_types for k in wanted.get(p, ())]
        columns = tuple(c for c in SCORE_COLUMNS if c[1] in keys)
    print('\nReporting results over {} / {} sequences\n'.format(
        int(np.sum(eval_data['valid_sequence'])), len(eval_data['sequences'])))
    print(format_table(report_name, scores, columns))
    return scores


def _save_plot(scores, curve_key, thr_key, score_key, path_base, xlabel, ylabel, xlim, title, legend_loc):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.8))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for s in sorted(scores, key=lambda s: -np.nan_to_num(s[score_key], nan=-1.0)):
        ax.plot(s[thr_key], s[curve_key], linewidth=2, label='{} [{}]'.format(s['disp_name'], _fmt(s[score_key])))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xlim(*xlim)
    ax.set_ylim(0, 100)
    ax.set_title(title)
    ax.grid(True, linestyle='-.')
    ax.legend(loc=legend_loc)
    fig.tight_layout()
    paths = []
    for ext in ('png', 'pdf'):
        path = '{}.{}'.format(path_base, ext)
        fig.savefig(path, format=ext)
        paths.append(path)
    return paths


def plot_results(trackers, dataset, report_name, merge_results=False,
                 plot_types=('success', 'prec', 'norm_prec'), **kwargs):
    """Save the success / precision / normalized-precision plots (PNG and PDF); returns the file paths."""
    eval_data = extract_results(trackers, dataset, report_name, **kwargs)
    scores = compute_scores(eval_data, merge_results=merge_results)
    out_dir = os.path.dirname(eval_data_path(report_name))
    os.makedirs(out_dir, exist_ok=True)
    plot_types = [plot_types] if isinstance(plot_types, str) else list(plot_types)
    paths = []
    if 'success' in plot_types:
        paths += _save_plot(scores, 'success_curve', 'threshold_set_overlap', 'auc',
                            os.path.join(out_dir, 'success_plot'), 'Overlap threshold', 'Overlap Precision [%]',
                            (0, 1), 'Success plot ({})'.format(report_name), 'upper right')
    if 'prec' in plot_types:
        paths += _save_plot(scores, 'precision_curve', 'threshold_set_center', 'precision',
                            os.path.join(out_dir, 'precision_plot'), 'Location error threshold [pixels]',
                            'Distance Precision [%]', (0, 50), 'Precision plot ({})'.format(report_name),
                            'lower right')
    if 'norm_prec' in plot_types:
        paths += _save_plot(scores, 'norm_precision_curve', 'threshold_set_center_norm', 'norm_precision',
                            os.path.join(out_dir, 'norm_precision_plot'), 'Location error threshold',
                            'Distance Precision [%]', (0, 0.5), 'Normalized precision plot ({})'.format(
                                report_name), 'lower right')
    return paths


def print_per_sequence_results(trackers, dataset, report_name, merge_results=False, filter_criteria=None,
                               metric='auc', **kwargs):
    """Print a table sequence x tracker of the per-sequence AUC (``metric='auc'``) or AO (``'ao'``).

    ``filter_criteria``: None, or ``{'mode': 'ao_min'|'ao_max'|'delta_ao', 'threshold': x}`` keeping the
    sequences whose minimum AO is >= x, maximum AO is <= x, or AO spread (max - min) is >= x.
    Returns (sequence names, (S', T') array).
    """
    eval_data = extract_results(trackers, dataset, report_name, **kwargs)
    scores = compute_scores(eval_data, merge_results=merge_results)
    key = 'seq_auc' if metric == 'auc' else 'seq_ao'
    table = np.stack([s[key] for s in scores], axis=1)
    ao = np.stack([s['seq_ao'] for s in scores], axis=1) / 100.0
    keep = np.asarray(eval_data['valid_sequence'], dtype=bool).copy()
    if filter_criteria is not None:
        mode, thr = filter_criteria['mode'], filter_criteria['threshold']
        if mode == 'ao_min':
            keep &= ao.min(axis=1) >= thr
        elif mode == 'ao_max':
            keep &= ao.max(axis=1) <= thr
        elif mode == 'delta_ao':
            keep &= (ao.max(axis=1) - ao.min(axis=1)) >= thr
        else:
            raise ValueError("filter_criteria mode must be 'ao_min', 'ao_max' or 'delta_ao', got {!r}".format(mode))
    names = [n for n, k in zip(eval_data['sequences'], keep) if k]
    name_w = max([len('Sequence')] + [len(n) for n in names]) + 2
    col_w = [max(len(s['disp_name']), 6) + 2 for s in scores]
    print('\n{} per sequence ({})'.format(metric.upper(), report_name))
    print('{:<{}}|'.format('Sequence', name_w) + '|'.join(' {:<{}}'.format(s['disp_name'], w - 1)
                                                           for s, w in zip(scores, col_w)) + '|')
    for n, row in zip(names, table[keep]):
        print('{:<{}}|'.format(n, name_w) + '|'.join(' {:<{}}'.format(_fmt(v), w - 1)
                                                     for v, w in zip(row, col_w)) + '|')
    return names, table[keep]


def print_results_per_attribute(trackers, dataset, report_name, attributes=None, merge_results=False,
                                attribute_file=None, **kwargs):
    """Print one table per attribute (scores over the sequences having it); returns {attr: score dicts}.

    ``attributes``: a dict attribute -> list of sequence names (or SequenceList), e.g. from
    :func:`pytracking.analysis.attributes.get_dataset_attributes`; when None it is loaded from
    ``attribute_file`` / the dataset's attribute file (see that module).
    """
    from pytracking.analysis.attributes import get_dataset_attributes
    dataset = list(dataset)
    if attributes is None:
        attributes = get_dataset_attributes(dataset, attribute_file=attribute_file)
    eval_data = extract_results(trackers, dataset, report_name, **kwargs)
    names = eval_data['sequences']
    out = OrderedDict()
    for attr, members in attributes.items():
        members = {m if isinstance(m, str) else m.name for m in members}
        mask = np.array([n in members for n in names], dtype=bool)
        scores = compute_scores(eval_data, merge_results=merge_results, sequence_mask=mask)
        out[attr] = scores
        print('\n{} ({} sequences)'.format(attr, int((mask & np.asarray(eval_data['valid_sequence'])).sum())))
        print(format_table(report_name, scores))
    return out
