"""Bad pixels never poison the tracker, boxes stay inside the image on request, data that does not add up is
refused naming the file or sequence, and the regression optimizer gets ``optim_init_reg``."""
import math
import os

import numpy as np
import pytest
import torch

import debug_helpers as dh
from pytracking import make_tracker
from pytracking.evaluation.data import Sequence
from pytracking.tracker.fcot import localization as loc
from pytracking.tracker.fcot import state as st
from pytracking.tracker.fcot.inputs import as_rgb_frame, check_init_box


@pytest.fixture(scope='module')
def tracker_factory(tmp_path_factory):
    ckpt = dh.save_tiny_checkpoint(tmp_path_factory.mktemp('net') / 'net.pth')

    def make(**kw):
        return make_tracker('fcot', 'default', net=ckpt, use_gpu=False, image_sample_size=96, seed=0, **kw)
    return make


def test_frames_with_bad_pixels_or_types_are_refused():
    good = np.full((8, 8, 3), 10, np.uint8)
    assert as_rgb_frame(good) is good
    f = good.astype(np.float64)
    f[2, 3, 1] = np.nan
    with pytest.raises(ValueError, match='1 non-finite'):
        as_rgb_frame(f)
    f[2, 3, 1] = np.inf
    with pytest.raises(ValueError, match='non-finite'):
        as_rgb_frame(f)
    with pytest.raises(ValueError, match=r'\[0, 255\]'):
        as_rgb_frame(np.full((8, 8, 3), 300.0))
    for dtype in (np.int32, np.complex64, object, np.int8):
        with pytest.raises(ValueError, match='pixel type'):
            as_rgb_frame(np.zeros((8, 8, 3), dtype=dtype))
    np.testing.assert_allclose(as_rgb_frame(np.full((4, 4), 65535, np.uint16)), 255.0)
    assert as_rgb_frame(np.ones((4, 4), bool)).max() == 255


def test_huge_or_non_finite_init_box_is_a_value_error():
    for box in ([0, 0, 1e30, 1e30], [0, 0, math.inf, 5], [1e8, 0, 10, 10]):
        with pytest.raises(ValueError, match='init_bbox'):
            check_init_box(box, (100, 100))


def test_tracker_survives_a_nan_frame_and_a_nan_network_output(tracker_factory):
    frames, boxes = dh.moving_square_frames(num_frames=6)
    tracker = tracker_factory()
    tracker.initialize(frames[0], {'init_bbox': boxes[0]})
    out1 = tracker.track(frames[1])
    bad = frames[2].astype(np.float32)
    bad[5, 5, 0] = np.nan
    with pytest.raises(ValueError, match='non-finite'):
        tracker.track(bad)
    # the network itself produces NaN: previous box, 'not_found', nothing learned, and tracking goes on
    real = tracker.net.classifier_18.classify
    tracker.net.classifier_18.classify = lambda f, x: real(f, x) * float('nan')
    try:
        out = tracker.track(frames[2])
    finally:
        tracker.net.classifier_18.classify = real
    assert out['flag'] == 'not_found' and out['target_bbox'] == out1['target_bbox']
    assert all(math.isfinite(v) for v in out['target_bbox']) and out['max_score'] == 0.0
    for im in frames[3:]:
        assert all(math.isfinite(v) for v in tracker.track(im)['target_bbox'])


@pytest.mark.parametrize('seed', range(4))
def test_clamp_box_per_axis_keeps_the_output_box_exactly_inside(seed):
    rng = np.random.default_rng(seed)
    h, w = 90, 140
    for _ in range(200):
        reg = torch.zeros(4, 8, 8)
        reg[:, 3, 4] = torch.tensor(rng.uniform(0, 60, 4), dtype=torch.float32)
        pos = (float(rng.uniform(-20, h + 20)), float(rng.uniform(-20, w + 20)))
        yxyx = loc.decode_box(reg, (3, 4), pos, float(rng.uniform(0.5, 3)), (h, w), stride=4, clamp_per_axis=True)
        pos_t, sz = st.state_from_box(yxyx)
        raw = st.output_box(pos_t, sz)
        x, y, bw, bh = st.clip_output_box(raw, (h, w)).tolist()
        assert x >= 0 and y >= 0 and x + bw <= w + 1e-4 and y + bh <= h + 1e-4 and bw >= 1 - 1e-4 and bh >= 1 - 1e-4
        assert torch.allclose(raw, torch.tensor([x, y, bw, bh]), atol=1e-3)   # only rounding is removed


def test_frames_and_ground_truth_rows_must_pair_up(tmp_path):
    frames = ['{}.jpg'.format(i) for i in range(5)]
    with pytest.raises(ValueError, match="Sequence 'seq' .* 5 frames but 6 ground-truth rows"):
        Sequence('seq', frames, 'got10k', np.ones((6, 4)))
    Sequence('seq', frames, 'got10k', np.ones((5, 4)))
    Sequence('seq', frames, 'got10k', np.ones((1, 4)))        # withheld ground truth: first frame only


def test_got10k_layout_with_extra_ground_truth_row_is_refused(tmp_path, pytracking_local):
    from test_eval_running import make_dataset
    from pytracking.evaluation import get_dataset
    data = make_dataset(str(tmp_path / 'data'))
    with open(os.path.join(data, 'seq_a', 'groundtruth.txt'), 'a') as f:
        f.write('1,2,3,4\n')
    pytracking_local(synthetic_path=data)
    with pytest.raises(ValueError, match="Sequence 'seq_a'.*5 frames but 6 ground-truth rows"):
        get_dataset('synthetic')


def test_sequence_names_with_path_components_are_refused(tmp_path, pytracking_local):
    from test_eval_running import make_dataset
    from pytracking.evaluation import get_dataset
    from pytracking.evaluation.results_io import result_file_paths
    data = make_dataset(str(tmp_path / 'data'))
    with open(os.path.join(data, 'list.txt'), 'a') as f:
        f.write('../../x\n')
    pytracking_local(synthetic_path=data)
    with pytest.raises(ValueError, match=r"'\.\./\.\./x'.*list.txt.*not a plain folder name"):
        get_dataset('synthetic')
    for name in ('a/b', '/abs', '..', '.'):
        with pytest.raises(ValueError, match='not a plain folder name'):
            result_file_paths(str(tmp_path), name)


def test_result_file_with_a_cut_last_row_is_not_complete(tmp_path, pytracking_local):
    from test_eval_running import INIT_BOXES, PARAMS, TRACKER, make_dataset
    from pytracking.evaluation import Tracker, get_dataset, run_dataset
    from pytracking.evaluation.results_io import result_file_paths, results_state
    data = make_dataset(str(tmp_path / 'data'))
    pytracking_local(synthetic_path=data, results_path=str(tmp_path / 'results'))
    dataset, trk = get_dataset('synthetic'), Tracker(TRACKER, PARAMS)
    run_dataset(dataset, [trk])
    seq = [s for s in dataset if s.name == 'seq_a'][0]
    assert results_state(trk, seq) == 'complete'
    box_path, time_path = result_file_paths(trk.results_dir, 'seq_a')
    lines = open(box_path).read().splitlines()
    for last in ('1.500000\t1.500', '1\t2\t3\tnan', '1\t2\t3\tx'):
        with open(box_path, 'w') as f:
            f.write('\n'.join(lines[:-1] + [last]) + '\n')
        assert results_state(trk, seq) == 'partial', last
    run_dataset(dataset, [trk])               # redone
    assert results_state(trk, seq) == 'complete' and len(INIT_BOXES) == 3


def test_optim_init_reg_reaches_the_regression_optimizer():
    from ltr.models.tracking.fcotnet import fcotnet
    for value in (0.1, 0.02):
        net = fcotnet(backbone_pretrained=False, backbone='resnet18', optim_init_reg=value)
        assert net.regressor_72.filter_optimizer.filter_reg.item() == pytest.approx(value)
        assert net.classifier_72.filter_optimizer.filter_reg.item() == pytest.approx(value)
