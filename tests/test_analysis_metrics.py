"""OPE metrics (pytracking conventions) on hand-made results with hand-computed values; extraction, multi-run
merge, FPS, cache invalidation, tables, plots, attributes and the print_results CLI."""
import json
import os
import time

import numpy as np
import pytest

from pytracking.analysis import metrics as M
from pytracking.analysis.extract_results import MissingResultsError, extract_results
from pytracking.analysis.plot_results import (compute_scores, plot_results, print_per_sequence_results,
                                              print_results, print_results_per_attribute)
from pytracking.evaluation import Sequence, SequenceList, Tracker, trackerlist

GT10 = [0, 0, 10, 10]


def write_result(tracker, name, boxes, times=None, delimiter='\t'):
    os.makedirs(tracker.results_dir, exist_ok=True)
    with open(os.path.join(tracker.results_dir, name + '.txt'), 'w') as f:
        for b in boxes:
            f.write(delimiter.join(repr(float(v)) for v in b) + '\n')
    if times is not None:
        with open(os.path.join(tracker.results_dir, name + '_time.txt'), 'w') as f:
            f.write(''.join('%f\n' % t for t in times))


def make_seq(name, gt, dataset='otb', target_visible=None):
    gt = np.asarray(gt, dtype=np.float64)
    return Sequence(name, ['/nonexistent/{}/{:08d}.jpg'.format(name, i) for i in range(len(gt))], dataset, gt,
                    target_visible=target_visible)


# Sequence A (4 frames, GT [0,0,10,10]): IoUs 1 (frame 0 overwritten), 0.5, 0.66, 0
PRED_A = [[50, 50, 3, 3], [0, 0, 10, 5], [0, 0, 10, 6.6], [20, 20, 10, 10]]
# centre errors: 0, 2.5, 1.7, 20*sqrt(2); normalized: 0, 0.25, 0.17, 2.83
AUC_A = 100.0 * (20 + 10 + 14 + 0) / (4 * 21)
# Sequence B (2 frames): perfect -> every threshold but 1.0
AUC_B = 100.0 * 20 / 21


# ----------------------------------------------------------------------------------------- geometry
def test_iou_inclusive_pixel_and_centres():
    assert M.calc_iou_overlap([GT10], [[5, 5, 10, 10]])[0] == pytest.approx(25 / 175)
    assert M.calc_iou_overlap([GT10], [[10, 0, 10, 10]])[0] == 0.0  # pixels 0..9 and 10..19 do not overlap
    assert M.calc_iou_overlap([GT10], [[9, 0, 10, 10]])[0] == pytest.approx(10 / 190)  # one shared pixel column
    assert M.calc_center_error([[0, 0, 10, 5]], [GT10])[0] == pytest.approx(2.5)  # centres (4.5, 2) / (4.5, 4.5)
    assert M.calc_center_error([[10, 0, 10, 10]], [[0, 0, 20, 10]], normalized=True)[0] == pytest.approx(0.25)
    assert len(M.overlap_thresholds()) == 21 and M.overlap_thresholds()[10] == 0.5
    assert M.center_thresholds()[20] == 20 and M.center_norm_thresholds()[20] == pytest.approx(0.2)


def test_seq_err_first_frame_and_values():
    ov, ce, cn, valid = M.calc_seq_err_robust(PRED_A, [GT10] * 4, 'otb')
    np.testing.assert_allclose(ov, [1, 0.5, 0.66, 0])
    np.testing.assert_allclose(ce, [0, 2.5, 1.7, 20 * np.sqrt(2)])
    np.testing.assert_allclose(cn, [0, 0.25, 0.17, 2 * np.sqrt(2)])
    assert valid.all()


def test_seq_err_invalid_inputs():
    with pytest.raises(ValueError, match='Invalid results'):
        M.calc_seq_err_robust([GT10, [0, 0, np.nan, 1]], [GT10] * 2, 'otb')
    with pytest.raises(ValueError, match='Invalid results'):
        M.calc_seq_err_robust([GT10, [0, 0, -1, 1]], [GT10] * 2, 'otb')
    with pytest.raises(ValueError, match='NaN'):
        M.calc_seq_err_robust([GT10] * 2, [GT10, [np.nan] * 4], 'otb')


def test_zero_size_prediction_takes_previous():
    pred = [GT10, [2, 0, 10, 10], [7, 7, 0, 4], [7, 7, 4, 0]]
    ov, _, _, _ = M.calc_seq_err_robust(pred, [GT10] * 4, 'otb')
    iou = 80 / 120  # [2,0,10,10] vs GT
    np.testing.assert_allclose(ov, [1, iou, iou, iou])


def test_length_mismatch_and_lasot():
    ov, _, _, _ = M.calc_seq_err_robust([GT10, [0, 0, 10, 5]], [GT10] * 4, 'otb')  # zero-padded
    np.testing.assert_allclose(ov, [1, 0.5, 0, 0])
    ov, _, _, _ = M.calc_seq_err_robust([GT10, [0, 0, 10, 5], GT10, GT10], [GT10] * 2, 'otb')  # truncated
    np.testing.assert_allclose(ov, [1, 0.5])
    with pytest.raises(ValueError, match='LaSOT'):
        M.calc_seq_err_robust([GT10], [GT10] * 2, 'lasot')
    ov, _, _, _ = M.calc_seq_err_robust([GT10] * 3, [GT10] * 2, 'lasot')
    assert len(ov) == 2


def test_invalid_frames_otb_uav_lasot():
    gt = [GT10, [0, 0, 0, 10], GT10]  # frame 1: zero width -> invalid
    ov, ce, cn, valid = M.calc_seq_err_robust([GT10] * 3, gt, 'otb')
    assert valid.tolist() == [True, False, True]
    assert ov[1] == -1 and cn[1] == -1 and ce[1] == np.inf
    # UAV: NaN rows allowed; centre error -1 (always a success for the precision)
    ov, ce, cn, valid = M.calc_seq_err_robust([GT10] * 3, [GT10, [np.nan] * 4, GT10], 'uav')
    assert valid.tolist() == [True, False, True] and ov[1] == -1 and ce[1] == -1 and cn[1] == -1
    # LaSOT: invisible frames invalid, centre error +inf
    ov, ce, cn, valid = M.calc_seq_err_robust([GT10] * 3, [GT10] * 3, 'lasot',
                                              target_visible=np.array([1, 0, 1], bool))
    assert valid.tolist() == [True, False, True] and ov[1] == -1 and ce[1] == np.inf and cn[1] == -1


def test_sequence_curves_hand_computed():
    s = M.sequence_curves(PRED_A, [GT10] * 4, 'otb')
    assert s.success.mean() * 100 == pytest.approx(AUC_A)
    assert s.success[10] == 0.5  # OP50: IoU 1 and 0.66 (0.5 is not > 0.5)
    assert s.success[15] == 0.25  # OP75
    assert s.success[20] == 0.0  # nothing is > 1
    assert s.precision[20] == 0.75 and s.precision[0] == 0.25
    assert s.norm_precision[20] == 0.5  # 0 and 0.17 <= 0.2
    assert s.avg_overlap == pytest.approx((1 + 0.5 + 0.66 + 0) / 4)


def test_uav_nan_rows_in_curves_and_exclusion():
    gt = [GT10, GT10, [np.nan] * 4, GT10]
    pred = [GT10, [0, 0, 10, 5], [3, 3, 3, 3], GT10]
    s = M.sequence_curves(pred, gt, 'uav')
    # seq_length 4 (all rows); frame 2 never a success for IoU, always for centre errors
    assert s.success[0] == 0.75 and s.precision[0] == 0.75 and s.precision[20] == 1.0
    assert s.avg_overlap == pytest.approx((1 + 0.5 + 1) / 3)  # valid frames only
    s = M.sequence_curves(pred, gt, 'uav', exclude_invalid_frames=True)
    assert s.success[0] == 1.0 and s.precision[20] == 1.0 and s.success[10] == pytest.approx(2 / 3)


# ----------------------------------------------------------------------------------------- extraction
@pytest.fixture
def two_seq(tmp_path, pytracking_local):
    pytracking_local(results_path=str(tmp_path / 'results'), result_plot_path=str(tmp_path / 'plots'))
    ds = SequenceList([make_seq('seqA', [GT10] * 4), make_seq('seqB', [GT10] * 2)])
    return ds, tmp_path


def test_extract_and_scores(two_seq, capsys):
    ds, tmp = two_seq
    trk = Tracker('mytrk', 'p')
    write_result(trk, 'seqA', PRED_A, times=[0.5, 0.25, 0.25, 1.0])
    write_result(trk, 'seqB', [GT10] * 2, times=[1.0, 1.0], delimiter=',')
    scores = print_results([trk], ds, 'rep')
    s = scores[0]
    assert s['auc'] == pytest.approx((AUC_A + AUC_B) / 2)
    assert s['op50'] == pytest.approx((50 + 100) / 2)
    assert s['op75'] == pytest.approx((25 + 100) / 2)
    assert s['precision'] == pytest.approx((75 + 100) / 2)
    assert s['norm_precision'] == pytest.approx((50 + 100) / 2)
    assert s['ao'] == pytest.approx((0.54 + 1.0) / 2 * 100)
    assert s['fps'] == pytest.approx((4 / 2.0 + 2 / 2.0) / 2)  # mean of per-sequence frames / sum(times)
    assert s['fps_overall'] == pytest.approx(6 / 4.0)
    out = capsys.readouterr().out
    assert 'AUC' in out and 'Norm Precision' in out and 'FPS' in out and 'mytrk_p' in out
    assert '%0.2f' % s['auc'] in out


def test_multi_run_merge_and_missing(two_seq):
    ds, tmp = two_seq
    runs = trackerlist('mytrk', 'p', range(2))
    write_result(runs[0], 'seqA', PRED_A)
    write_result(runs[0], 'seqB', [GT10] * 2)
    write_result(runs[1], 'seqA', [GT10] * 4)  # perfect
    write_result(runs[1], 'seqB', [GT10] * 2)
    ed = extract_results(runs, ds, 'multi')
    per_run = compute_scores(ed)
    merged = compute_scores(ed, merge_results=True)
    assert [r['disp_name'] for r in per_run] == ['mytrk_p_000', 'mytrk_p_001']
    assert len(merged) == 1 and merged[0]['run_ids'] == [0, 1]
    assert merged[0]['auc'] == pytest.approx((per_run[0]['auc'] + per_run[1]['auc']) / 2)
    assert merged[0]['auc'] == pytest.approx(((AUC_A + AUC_B) / 2 + AUC_B) / 2)
    assert np.isnan(merged[0]['fps'])  # no time files

    os.remove(os.path.join(runs[1].results_dir, 'seqB.txt'))
    with pytest.raises(MissingResultsError, match='seqB'):
        extract_results(runs, ds, 'multi')
    ed = extract_results(runs, ds, 'multi', skip_missing_seq=True)
    assert ed['valid_sequence'].tolist() == [True, False]
    assert compute_scores(ed)[0]['auc'] == pytest.approx(AUC_A)


def test_cache_invalidation(two_seq):
    ds, tmp = two_seq
    trk = Tracker('mytrk', 'p')
    write_result(trk, 'seqA', PRED_A, times=[1, 1, 1, 1])
    write_result(trk, 'seqB', [GT10] * 2, times=[1, 1])
    first = extract_results([trk], ds, 'cache')
    assert first['from_cache'] is False
    assert os.path.isfile(os.path.join(str(tmp / 'plots'), 'cache', 'eval_data.npz'))
    assert extract_results([trk], ds, 'cache')['from_cache'] is True
    # rewrite a result file (new content, new mtime) -> recomputed with the new values
    time.sleep(0.01)
    write_result(trk, 'seqA', [GT10] * 4, times=[1, 1, 1, 1])
    again = extract_results([trk], ds, 'cache')
    assert again['from_cache'] is False
    assert compute_scores(again)[0]['auc'] == pytest.approx(AUC_B)
    # a time file change also invalidates
    write_result(trk, 'seqB', [GT10] * 2, times=[2, 2])
    assert extract_results([trk], ds, 'cache')['from_cache'] is False
    # another sequence list / tracker list / force
    assert extract_results([trk], ds[:1], 'cache')['from_cache'] is False
    assert extract_results([trk], ds, 'cache')['from_cache'] is False
    assert extract_results([trk], ds, 'cache')['from_cache'] is True
    assert extract_results([trk], ds, 'cache', force_evaluation=True)['from_cache'] is False
    # display names are refreshed from the current trackers
    named = Tracker('mytrk', 'p', display_name='Mine')
    cached = extract_results([named], ds, 'cache')
    assert cached['from_cache'] is True and cached['trackers'][0]['disp_name'] == 'Mine'


def test_plots_per_sequence_and_attributes(two_seq, capsys):
    ds, tmp = two_seq
    trk = Tracker('mytrk', 'p')
    write_result(trk, 'seqA', PRED_A)
    write_result(trk, 'seqB', [GT10] * 2)
    paths = plot_results([trk], ds, 'plots')
    names = sorted(os.path.basename(p) for p in paths)
    assert names == sorted('{}_plot.{}'.format(k, e) for k in ('success', 'precision', 'norm_precision')
                           for e in ('png', 'pdf'))
    for p in paths:
        with open(p, 'rb') as f:
            head = f.read(8)
        assert head.startswith(b'\x89PNG') if p.endswith('.png') else head.startswith(b'%PDF')

    seq_names, table = print_per_sequence_results([trk], ds, 'plots')
    assert seq_names == ['seqA', 'seqB']
    np.testing.assert_allclose(table[:, 0], [AUC_A, AUC_B])
    names, _ = print_per_sequence_results([trk], ds, 'plots', filter_criteria={'mode': 'ao_max', 'threshold': 0.6})
    assert names == ['seqA']

    attr_file = tmp / 'attrs.json'
    attr_file.write_text(json.dumps({'seqA': ['IV', 'OCC'], 'seqB': {'IV': 1, 'OCC': 0}}))
    per_attr = print_results_per_attribute([trk], ds, 'plots', attribute_file=str(attr_file))
    assert list(per_attr) == ['IV', 'OCC']
    assert per_attr['IV'][0]['auc'] == pytest.approx((AUC_A + AUC_B) / 2)
    assert per_attr['OCC'][0]['auc'] == pytest.approx(AUC_A)
    attr_file.write_text(json.dumps({'attribute_names': ['IV', 'OCC'], 'seqA': [0, 1], 'seqB': [1, 0]}))
    per_attr = print_results_per_attribute([trk], ds, 'plots', attribute_file=str(attr_file))
    assert per_attr['IV'][0]['auc'] == pytest.approx(AUC_B)
    assert 'OCC (1 sequences)' in capsys.readouterr().out


# ----------------------------------------------------------------------------------------- CLI
def test_print_results_cli(tmp_path, pytracking_local, capsys):
    data = tmp_path / 'data'
    gts = {'s1': [GT10] * 4, 's2': [GT10] * 2}
    data.mkdir()
    (data / 'list.txt').write_text('s1\ns2\n')
    for name, gt in gts.items():
        (data / name).mkdir()
        (data / name / 'groundtruth.txt').write_text(''.join(','.join(str(v) for v in r) + '\n' for r in gt))
        for i in range(len(gt)):
            (data / name / '{:08d}.jpg'.format(i + 1)).write_bytes(b'')
    pytracking_local(synthetic_path=str(data), results_path=str(tmp_path / 'res'),
                     result_plot_path=str(tmp_path / 'plots'))
    runs = trackerlist('mytrk', 'p', [0, 1])
    for r in runs:
        write_result(r, 's1', PRED_A, times=[0.5, 0.5, 0.5, 0.5])
        write_result(r, 's2', [GT10] * 2, times=[0.25, 0.25])
    from pytracking.analysis.print_results import main
    assert main(['mytrk', 'p', '--dataset', 'synthetic', '--runids', '0', '1', '--per_run', '--plot']) == 0
    out = capsys.readouterr().out
    row = [line for line in out.splitlines() if 'mean of 2 runs' in line][0]
    cells = [c.strip() for c in row.split('|')[1:-1]]
    assert cells == ['%0.2f' % v for v in ((AUC_A + AUC_B) / 2, 75, 62.5, 87.5, 75, 3.0)]
    assert 'mytrk_p_000' in out and 'success_plot.pdf' in out
    assert os.path.isfile(tmp_path / 'plots' / 'mytrk_p_synthetic' / 'success_plot.png')
    assert main(['mytrk', 'p', '--dataset', 'synthetic', '--runids', '0', '1']) == 0
    assert 'from the cache' in capsys.readouterr().out
    assert main(['mytrk', 'p', '--dataset', 'synthetic', '--runids', '5']) == 1
    assert 'missing' in capsys.readouterr().err
