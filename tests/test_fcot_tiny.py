"""FCOT-tiny, the model shipped in the package: it loads strictly, it tracks (and an untrained network does not),
the demo runs end to end, and the parameter file ``demo`` uses it."""
import os
import subprocess
import sys
from importlib import resources

import cv2
import numpy as np
import pytest
import torch

from ltr.admin.loading import load_network, torch_load_legacy
from pytracking import make_tracker
from pytracking.analysis.metrics import calc_iou_overlap
from pytracking.networks import shipped_network_path

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_shipped_checkpoint_is_package_data_and_loads_strictly():
    path = shipped_network_path()
    assert resources.files('pytracking.networks').joinpath('fcot_tiny.pth.tar').is_file()
    assert os.path.getsize(path) <= 30 * 2 ** 20
    ckpt = torch_load_legacy(path)
    net = load_network(path).eval()          # rebuilt from the pickled constructor, loaded with strict=True
    kwds = net.constructor.kwds
    assert kwds['decoder_dim'] == 64 and kwds['truncate_backbone'] is True
    assert kwds['backbone'] == 'mobilenetv3_large_075' and kwds['freeze_backbone'] is False
    assert set(net.state_dict()) == set(ckpt['net'])
    # five stages on the birth certificate: fcot_tiny_mnv3 epoch 10 (fresh heads on the frozen MobileNetV3, stamps
    # data), fcot_tiny_mnv3_stage2 epoch 10 (continued on mixed-appearance data), fcot_tiny_mnv3_finetune_lr1e4 epoch
    # 10 (everything trained, the backbone at 1e-4, on a GPU), fcot_tiny_mnv3_finetune_opencv_long epoch 10 and
    # fcot_tiny_mnv3_finetune_opencv_more epoch 10 (the source: two CPU continuations on train_opencv data)
    prov = ckpt['provenance']
    assert [(st['train_settings'], st['epoch']) for st in prov['stages']] == [
        ('ltr/train_settings/fcot/fcot_tiny_mnv3.py', 10), ('ltr/train_settings/fcot/fcot_tiny_mnv3_stage2.py', 10),
        ('ltr/train_settings/fcot/fcot_tiny_mnv3_finetune_lr1e4.py', 10),
        ('ltr/train_settings/fcot/fcot_tiny_mnv3_finetune_opencv_long.py', 10),
        ('ltr/train_settings/fcot/fcot_tiny_mnv3_finetune_opencv_more.py', 10)]
    assert prov['source_sha256'].startswith('687d524cf26a9e40')
    params = prov['settings']['synthetic_params']
    assert params['seed'] == 27 and params['split'] == 'train_opencv' and params['appearance'] == 'mixed'
    assert params['num_sequences'] == 2400
    assert ckpt['epoch'] == 10
    # the backbone was fine-tuned from the converted MB3-CenterNet weights: near the npm file's values (pinned in the
    # comments: depthwise weight sum -9.43531, bias sum 126.61572) but not equal to them
    bb = net.feature_extractor
    w = float(bb.blocks[0].depthwise.weight.detach().double().sum())
    b = float(bb.blocks[0].depthwise.bias.detach().double().sum())
    assert w == pytest.approx(-9.015496777836233, abs=1e-5) and b == pytest.approx(126.6740375161171, abs=1e-4)
    assert abs(w - -9.435310363769531) > 1e-3 and abs(w - -9.435310363769531) < 0.5
    with torch.no_grad():
        feats = net.extract_tracking_features(torch.randn(2, 3, 128, 128, generator=torch.Generator().manual_seed(0)))
    assert feats['clf_18'].shape == (2, 128, 8, 8) and feats['reg_72'].shape == (2, 32, 32, 32)
    assert all(torch.isfinite(v).all() for v in feats.values())


def easy_sequence(num_frames=40):
    """A textured patch of one held-out photograph (rocket) gliding over another (coffee): RGB frames and the
    ground-truth boxes [x, y, w, h]. Built here, independently of the synthetic generator."""
    import skimage.data
    background = cv2.resize(skimage.data.coffee(), (320, 240), interpolation=cv2.INTER_AREA)
    target = cv2.resize(skimage.data.rocket()[120:300, 250:400], (40, 48), interpolation=cv2.INTER_AREA)
    frames, boxes = [], []
    for t in range(num_frames):
        x, y = 60 + 3 * t, 70 + int(round(25 * np.sin(t / 8.0)))
        im = background.copy()
        im[y:y + 48, x:x + 40] = target
        frames.append(im)
        boxes.append([x, y, 40, 48])
    return frames, np.asarray(boxes, dtype=np.float64)


def mean_iou(tracker, frames, boxes, flags=None):
    tracker.initialize(frames[0], {'init_bbox': boxes[0].tolist()})
    outs = [tracker.track(im) for im in frames[1:]]
    if flags is not None:
        flags.extend(o['flag'] for o in outs)
    return float(calc_iou_overlap(np.asarray([o['target_bbox'] for o in outs]), boxes[1:]).mean())


def test_shipped_model_tracks_an_easy_sequence_and_untrained_does_not():
    torch.set_num_threads(2)
    frames, boxes = easy_sequence()
    tracker = make_tracker('fcot', 'demo', use_gpu=False)     # the real parameter file, real thresholds
    flags = []
    trained = mean_iou(tracker, frames, boxes, flags)
    assert trained >= 0.5, trained
    # the update schedule ran with the real thresholds (spec 4.4, written out here): 23 augmented first-frame
    # samples; every hard negative; frames n = 1..5 when normal; at n = 20 the best candidate of its window
    expected = 23 + sum(f == 'hard_negative' for f in flags)
    expected += sum(f == 'normal' and n <= 5 for n, f in enumerate(flags, 1))
    expected += sum(f == 'normal' and n > 5 and n % 20 == 0 for n, f in enumerate(flags, 1))
    assert flags.count('normal') >= len(flags) // 2, flags
    assert tracker.memory.num_stored_samples == expected, flags
    net = load_network(shipped_network_path())
    torch.manual_seed(0)
    for m in net.modules():       # same architecture, fresh random weights
        if hasattr(m, 'reset_parameters') and m is not net:
            m.reset_parameters()
    untrained = mean_iou(make_tracker('fcot', 'demo', net=net, use_gpu=False), frames, boxes)
    assert untrained < 0.5 and untrained < trained - 0.2, (untrained, trained)


def test_demo_parameter_file_uses_the_shipped_model():
    from pytracking.parameter.fcot.demo import parameters
    p = parameters()
    assert p.net.net_path == shipped_network_path() and p.clamp_box_per_axis
    # tracked on 96-pixel crops over 3.375 target sizes: the target is as large in crop pixels as the official
    # tracking factor 4.5 makes it on the 128-pixel training crops (trained over 5.0 target sizes, the official
    # train/track relation)
    assert (p.image_sample_size, p.search_area_scale) == (96, 3.375)
    assert p.image_sample_size / p.search_area_scale == pytest.approx(128 / 4.5)


def test_demo_runs_end_to_end_quick(tmp_path):
    out = tmp_path / 'demo'
    env = dict(os.environ, OMP_NUM_THREADS='2')
    proc = subprocess.run([sys.executable, '-m', 'pytracking.demo', '--quick', '--out', str(out)], cwd=str(tmp_path),
                          env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for name in ('table.md', 'success_plot.png', 'bikes_fcot_tiny.mp4', 'bikes_contact_sheet.png'):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    table = (out / 'table.md').read_text()
    assert 'FCOT-tiny' in table and 'OpenCV CSRT' in table and 'OpenCV KCF' in table
    assert '| tracker | AO | SR0.5 | SR0.75 | FPS | init (s) |' in proc.stdout
    sheet = cv2.imread(str(out / 'bikes_contact_sheet.png'))
    assert sheet is not None and sheet.shape[1] == 4 * 320
    cap = cv2.VideoCapture(str(out / 'bikes_fcot_tiny.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) > 0
    for tracker in ('fcot_tiny', 'csrt', 'kcf'):
        files = sorted(p.name for p in (out / 'results' / tracker).iterdir())
        assert files == ['synthetic_000001.txt', 'synthetic_000001_time.txt', 'synthetic_000002.txt',
                         'synthetic_000002_time.txt']
        assert np.loadtxt(out / 'results' / tracker / 'synthetic_000001.txt').shape == (30, 4)
