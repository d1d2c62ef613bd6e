"""The got10k toolkit runs FCOT through ``pytracking.integrations.got10k.FCOTTracker``, and its AO / SR equal the
scores this project computes (``compare_baselines.sequence_ious``) from the same result files."""
import json
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
