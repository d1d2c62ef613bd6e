"""The got10k toolkit runs FCOT through ``pytracking.integrations.got10k.FCOTTracker``, and its AO / SR equal the
scores this project computes (``compare_baselines.sequence_ious``) from the same result files."""
import json
import os
from pathlib import Path

import numpy as np
import pytest
from got10k.experiments import ExperimentGOT10k

from ltr.dataset.synthetic import ensure_synthetic_dataset
from pytracking.analysis.compare_baselines import sequence_ious
from pytracking.evaluation.syntheticdataset import SyntheticDataset
from pytracking.integrations.got10k import FCOTTracker


def test_experiment_got10k_val_with_fcot_demo_matches_our_scores(tmp_path):
    root = tmp_path / 'GOT-10k'
    ensure_synthetic_dataset(root / 'val', num_sequences=2, num_frames=12, size=(160, 120), seed=4, split='test')
    tracker = FCOTTracker('demo', use_gpu=False)
    assert tracker.name == 'FCOT_demo' and tracker.is_deterministic
    exp = ExperimentGOT10k(str(root), subset='val', result_dir=str(tmp_path / 'results'),
                           report_dir=str(tmp_path / 'reports'))
    exp.run(tracker)
    performance = exp.report([tracker.name])[tracker.name]['overall']

    pooled = []
    for seq in SyntheticDataset(path=str(root / 'val')).get_sequence_list():
        files = sorted(Path(exp.result_dir, tracker.name, seq.name).glob(seq.name + '_[0-9]*.txt'))
        assert len(files) == 1                                  # deterministic: one repetition
        boxes = np.loadtxt(files[0], delimiter=',')
        assert boxes.shape == (12, 4)
        pooled.append(sequence_ious(boxes, seq, (120, 160)))
    ious = np.concatenate(pooled)
    assert performance['ao'] == pytest.approx(ious.mean(), abs=1e-9)
    assert performance['sr'] == pytest.approx((ious > 0.5).mean(), abs=1e-9)
    saved = json.loads(Path(exp.report_dir, tracker.name, 'performance.json').read_text())
    assert saved[tracker.name]['overall']['ao'] == pytest.approx(performance['ao'])


def test_wrong_parameter_name_fails_at_construction():
    with pytest.raises(ValueError, match='no parameter file'):
        FCOTTracker('no_such_params')


def _write_otb_tb50(root):
    """The OTB layout that got10k's ``OTB(root, 'tb50')`` checks: a folder per sequence of the TB-50 list with
    ``img/%04d.jpg`` and ``groundtruth_rect.txt``. Three tracked frames each (a textured square moving 4 px per
    frame, 96x72), except that 'David' starts at image 300 (got10k keeps images 300..770 of it)."""
    import cv2
    from got10k.datasets.otb import OTB
    import debug_helpers as dh
    names = OTB._OTB__version_dict['tb50']
    for k, name in enumerate(names):
        frames, boxes = dh.moving_square_frames(num_frames=3, hw=(72, 96), seed=k)
        lead = 299 if name == 'David' else 0
        os.makedirs(os.path.join(root, name, 'img'))
        for i, frame in enumerate([frames[0]] * lead + frames):
            cv2.imwrite(os.path.join(root, name, 'img', '{:04d}.jpg'.format(i + 1)), frame[:, :, ::-1])
        np.savetxt(os.path.join(root, name, 'groundtruth_rect.txt'), np.array(boxes), fmt='%d', delimiter=',')
    return names


def test_experiment_otb_with_fcot_demo_matches_print_results_scores(tmp_path, pytracking_local):
    from got10k.experiments import ExperimentOTB
    from pytracking.analysis.extract_results import extract_results
    from pytracking.analysis.plot_results import compute_scores
    from pytracking.evaluation import Sequence, SequenceList, Tracker

    names = _write_otb_tb50(str(tmp_path / 'OTB'))
    tracker = FCOTTracker('demo', use_gpu=False)
    exp = ExperimentOTB(str(tmp_path / 'OTB'), version='tb50', result_dir=str(tmp_path / 'results'),
                        report_dir=str(tmp_path / 'reports'))
    exp.run(tracker)
    overall = exp.report([tracker.name])[tracker.name]['overall']

    # the same result files, scored by this project's analysis (extract_results + compute_scores)
    pytracking_local(results_path=str(tmp_path / 'res'), result_plot_path=str(tmp_path / 'plots'))
    ours = Tracker('fcot', 'demo_otb')
    os.makedirs(ours.results_dir)
    seqs = []
    for name in names:
        boxes = np.loadtxt(os.path.join(exp.result_dir, tracker.name, name + '.txt'), delimiter=',')
        assert boxes.shape == (3, 4) and np.isfinite(boxes).all()
        np.savetxt(os.path.join(ours.results_dir, name + '.txt'), boxes, delimiter='\t', fmt='%.17g')
        gt = np.loadtxt(os.path.join(str(tmp_path / 'OTB'), name, 'groundtruth_rect.txt'), delimiter=',')
        seqs.append(Sequence(name, ['x.jpg'] * 3, 'otb', gt))
    score = compute_scores(extract_results([ours], SequenceList(seqs), 'otb_agree'))[0]
    assert score['auc'] == pytest.approx(100 * overall['success_score'], abs=1e-9)
    assert score['op50'] == pytest.approx(100 * overall['success_rate'], abs=1e-9)
    assert score['precision'] == pytest.approx(100 * overall['precision_score'], abs=1e-9)
    assert overall['success_score'] > 0.5        # the shipped model follows the moving squares
