"""``compare_baselines``: the validation set (``synthetic_val``), parameter overrides (``--param``), the table."""
import json

import numpy as np
import pytest

from ltr.dataset import synthetic
from pytracking.analysis import compare_baselines as cb
from pytracking.evaluation import synthetic_test as sets


def test_parse_param_overrides_reads_python_literals():
    assert cb.parse_param_overrides(['fold_batchnorm=False', 'image_sample_size=112', 'search_area_scale=3.9',
                                     "seed=None", "x='a=b'"]) == {
        'fold_batchnorm': False, 'image_sample_size': 112, 'search_area_scale': 3.9, 'seed': None, 'x': 'a=b'}
    for bad in ('fold_batchnorm', '=3', 'a b=1', 'size=abc', 'size=(1,'):
        with pytest.raises(ValueError, match='--param'):
            cb.parse_param_overrides([bad])


def test_param_overrides_reach_the_fcot_tiny_tracker_and_unknown_names_fail():
    from pytracking.parameter.fcot.demo import DEMO_OVERRIDES
    tracker = cb.make_baseline_tracker('fcot_tiny', None, image_sample_size=112, fold_batchnorm=True)
    assert tracker.params.image_sample_size == 112 and tracker.params.fold_batchnorm is True
    default = cb.make_baseline_tracker('fcot_tiny').params
    assert (default.image_sample_size, default.fold_batchnorm) == (DEMO_OVERRIDES['image_sample_size'], False)
    assert DEMO_OVERRIDES['image_sample_size'] != 112
    with pytest.raises(ValueError, match="unknown parameter 'no_such_value'"):
        cb.make_baseline_tracker('fcot_tiny', None, no_such_value=1)


def test_validation_set_uses_training_sources_with_its_own_seed(tmp_path):
    """synthetic_val: split 'train' (not the held-out photographs), base seed 1 (the training data uses 0 and 2)."""
    assert sets.SYNTHETIC_VAL['split'] == 'train' and sets.SYNTHETIC_TEST['split'] == 'test'
    from ltr.train_settings.fcot.fcot_tiny import SYNTHETIC_PARAMS
    from ltr.train_settings.fcot.fcot_tiny_more_data import MORE_DATA_PARAMS
    assert len({sets.SYNTHETIC_VAL['seed'], SYNTHETIC_PARAMS['seed'], MORE_DATA_PARAMS['seed']}) == 3
    seqs = sets.synthetic_set_sequences('synthetic_val', tmp_path, num_sequences=2, num_frames=4, verbose=False)
    folder = tmp_path / 'synthetic_val_2x4'
    info = json.loads((folder / 'synthetic_info.json').read_text())
    assert (info['split'], info['seed'], info['num_sequences'], info['num_frames']) == ('train', 1, 2, 4)
    assert [s.name for s in seqs] == ['synthetic_000001', 'synthetic_000002']
    # sequence 0 is the generator's sequence 0 of (seed 1, split train): same first box
    video = synthetic.render_sequence(synthetic.sequence_rng(1, 'train', 0), 4, (320, 240), 'train', 0.5)
    np.testing.assert_allclose(seqs[0].ground_truth_rect[0], video['bbox'][0], atol=1e-3)
    assert video['meta']['object_class'] in synthetic.SPLITS['train']['photos']
    with pytest.raises(ValueError, match="unknown synthetic evaluation set 'synthetic_train'"):
        sets.synthetic_set_folder('synthetic_train', tmp_path)


def test_main_on_the_validation_set_with_a_param_override(tmp_path, capsys):
    out = tmp_path / 'cmp'
    assert cb.main(['--dataset', 'synthetic_val', '--num_sequences', '1', '--num_frames', '5', '--trackers',
                    'fcot_tiny', 'kcf', '--out', str(out), '--threads', '1', '--param', 'fold_batchnorm=True']) == 0
    printed = capsys.readouterr().out
    assert "FCOT-tiny parameters changed from demo: {'fold_batchnorm': True}" in printed
    assert (out / 'data' / 'synthetic_val_1x5' / 'list.txt').is_file()
    boxes = np.loadtxt(out / 'results' / 'fcot_tiny' / 'synthetic_000001.txt', delimiter='\t')
    assert boxes.shape == (5, 4) and np.isfinite(boxes).all()
    rows = (out / 'table.md').read_text().splitlines()
    assert rows[0].startswith('| tracker | AO') and rows[2].startswith('| FCOT-tiny |') and rows[3].startswith(
        '| OpenCV KCF |')
    with pytest.raises(SystemExit) as e:
        cb.main(['--dataset', 'synthetic_val', '--out', str(out), '--param', 'fold_batchnorm'])
    assert e.value.code == 2
