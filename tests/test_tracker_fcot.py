"""The FCOT tracker end to end with a small randomly initialised network, and its input handling."""
import numpy as np
import pytest
import torch

from ltr.models.tracking.fcotnet import fcotnet
from pytracking import make_tracker
from debug_helpers import moving_square_frames as moving_square_sequence


@pytest.fixture(scope='module')
def small_net():
    torch.manual_seed(0)
    return fcotnet(backbone_pretrained=False, backbone='resnet18', num_dist_bins=100, bin_displacement=0.1,
                   init_gauss_sigma=0.9, mask_init_factor=3.0, optim_init_step=0.9, optim_init_reg=0.1).eval()


def tracker(net, **overrides):
    # 144 px search images keep the test fast; thresholds that always accept the target exercise the
    # memory updates (every branch of the update schedule runs within a few frames).
    args = dict(image_sample_size=144, seed=0, return_score_maps=True, target_not_found_threshold=-1e9,
                distractor_threshold=1e9, hard_negative_threshold=1e9, clamp_box_per_axis=True,
                init_train_frames=2, train_skipping=2, net_opt_iter=2, net_opt_iter_72=2, reg_net_opt_iter=2)
    args.update(overrides)
    return make_tracker('fcot', 'default', net=net, use_gpu=False, **args)


def test_tracks_generated_sequence(small_net):
    frames, boxes = moving_square_sequence(num_frames=7)
    t = tracker(small_net)
    t.initialize(frames[0], {'init_bbox': boxes[0]})
    assert t.memory.num_stored_samples == 23
    flags = []
    for im in frames[1:]:
        out = t.track(im)
        box = np.array(out['target_bbox'])
        assert box.shape == (4,) and np.all(np.isfinite(box)) and box[2] > 0 and box[3] > 0
        h, w = im.shape[:2]
        assert box[0] >= 0 and box[1] >= 0 and box[0] + box[2] <= w + 1 and box[1] + box[3] <= h + 1
        assert out['score_map'].shape == (36, 36) and out['score_map_18'].shape == (10, 10)
        assert out['score_map_72'].shape == (37, 37) and out['reg_map'].shape == (4, 36, 36)
        assert out['flag'] in ('normal', 'uncertain', 'hard_negative', 'not_found')
        flags.append(out['flag'])
    # Frames 2..3 are init-train frames, then every 2nd frame inserts the best candidate.
    assert flags == ['normal'] * 6
    # n = 1, 2: init-train inserts; n = 4, 6: the best candidate of each 2-frame window.
    assert t.memory.num_stored_samples == 23 + 4
    assert abs(float(t.memory.stored_weights.sum()) - 1.0) < 1e-5


def test_not_found_keeps_state(small_net):
    frames, boxes = moving_square_sequence(num_frames=3)
    t = tracker(small_net, target_not_found_threshold=1e9)
    t.initialize(frames[0], {'init_bbox': boxes[0]})
    out = t.track(frames[1])
    assert out['flag'] == 'not_found'
    x, y, w, h = boxes[0]
    np.testing.assert_allclose(out['target_bbox'], [x, y, w, h], atol=1e-4)
    assert t.memory.num_stored_samples == 23


@pytest.mark.parametrize('bad', [[10, 10, 0, 5], [10, 10, 5, -1], [float('nan'), 1, 5, 5], [500, 10, 5, 5],
                                 [-50, -50, 10, 10], [1, 2, 3]])
def test_bad_init_box_is_rejected(small_net, bad):
    frames, _ = moving_square_sequence(num_frames=1)
    with pytest.raises(ValueError):
        tracker(small_net).initialize(frames[0], {'init_bbox': bad})


def test_grayscale_rgba_and_changing_frame_size(small_net):
    frames, boxes = moving_square_sequence(num_frames=4)
    t = tracker(small_net)
    t.initialize(frames[0][:, :, 0], {'init_bbox': boxes[0]})           # grayscale (H, W)
    rgba = np.concatenate((frames[1], np.full(frames[1].shape[:2] + (1,), 255, np.uint8)), axis=2)
    assert np.all(np.isfinite(t.track(rgba)['target_bbox']))              # RGBA
    bigger = np.zeros((150, 200, 3), np.uint8)
    bigger[:120, :160] = frames[2]
    assert np.all(np.isfinite(t.track(bigger)['target_bbox']))            # frame size changes
    with pytest.raises(ValueError):
        t.track(np.zeros((120, 160, 5), np.uint8))


def test_missing_network_file_names_path_and_setting(pytracking_local, tmp_path):
    pytracking_local(network_path=str(tmp_path / 'nets'))
    t = make_tracker('fcot', 'default', use_gpu=False)
    frames, boxes = moving_square_sequence(num_frames=1)
    with pytest.raises(FileNotFoundError) as err:
        t.initialize(frames[0], {'init_bbox': boxes[0]})
    assert 'fcot.pth' in str(err.value) and 'network_path' in str(err.value)


def test_use_gpu_setting():
    from pytracking.features.net_wrappers import NetWithBackbone
    from pytracking.parameter.fcot import default
    assert default.parameters().use_gpu is None            # automatic unless a file forces it
    assert NetWithBackbone('x.pth', use_gpu=None).use_gpu == torch.cuda.is_available()
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match='CUDA is not available'):
            make_tracker('fcot', 'default', net=torch.nn.Linear(1, 1), use_gpu=True)


def test_label_map_cache_equals_rebuilding_the_maps(small_net):
    """``cache_label_maps`` (default True) keeps each memory slot's classifier label/mask/weight maps: the boxes
    equal those of a tracker that rebuilds the maps on every optimiser call (``False``, the official path), also
    when insertions overwrite memory slots, and the cache holds exactly the maps of the stored boxes."""
    frames, boxes = moving_square_sequence(num_frames=9)
    outs, trackers = [], []
    for cache in (True, False):
        t = tracker(small_net, cache_label_maps=cache, sample_memory_size=25)   # slots are overwritten
        t.initialize(frames[0], {'init_bbox': boxes[0]})
        outs.append(np.array([t.track(im)['target_bbox'] for im in frames[1:]]))
        trackers.append(t)
    np.testing.assert_allclose(outs[0], outs[1], rtol=0, atol=1e-4)
    cached = trackers[0]
    assert cached.memory.num_stored_samples > cached.memory.capacity                      # replacements happened
    # float32 rounding of the two summation orders: 0 apart with 2 threads, 1.1e-5 with 1 (filter values ~0.14);
    # a wrong label map moves the filter by orders of magnitude more
    assert torch.allclose(cached.filter_72, trackers[1].filter_72, rtol=1e-4, atol=5e-5)
    for which in (72, 18):
        stored = cached._stored_label_maps(which)
        rebuilt = cached._label_maps(which, cached.memory.stored_boxes)
        for a, b in zip(stored, rebuilt):
            assert a.shape == b.shape and torch.allclose(a, b, atol=1e-6)
    assert trackers[1]._stored_label_maps(72) is None


def test_inference_mode_gives_the_same_boxes_and_leaves_the_network_ordinary(small_net):
    """``inference_mode`` (a speed option) tracks with the same boxes and scores bit for bit; the tracker's state
    becomes inference tensors while the shared network's parameters stay ordinary tensors, so a later tracker
    without the option (and training) can still use the same network object."""
    frames, boxes = moving_square_sequence(num_frames=9)
    outs, maps, trackers = [], [], []
    for mode in (True, False, True):
        t = tracker(small_net, inference_mode=mode, sample_memory_size=25)
        t.initialize(frames[0], {'init_bbox': boxes[0]})
        rows, score_maps = [], []
        for im in frames[1:]:
            out = t.track(im)
            rows.append(out['target_bbox'] + [out['max_score']])
            score_maps.append(out['score_map'].numpy())
        outs.append(np.array(rows))
        maps.append(np.stack(score_maps))
        trackers.append(t)
    for i in (0, 2):
        np.testing.assert_array_equal(outs[i], outs[1])
        np.testing.assert_array_equal(maps[i], maps[1])
    assert trackers[0].filter_72.is_inference() and not trackers[1].filter_72.is_inference()
    assert not any(p.is_inference() for p in small_net.parameters())
    loss = sum(p.sum() for p in small_net.parameters() if p.requires_grad)
    loss.backward()                                           # the network still trains


def test_output_window_official_softened_or_none(small_net):
    from pytracking.libs.dcf import fcot_hann2d
    frames, boxes = moving_square_sequence(num_frames=2)
    t = tracker(small_net)
    t.initialize(frames[0], {'init_bbox': boxes[0]})
    assert t.window is None                                        # official default: no window
    t = tracker(small_net, window_output=True)
    t.initialize(frames[0], {'init_bbox': boxes[0]})
    assert torch.equal(t.window, fcot_hann2d(36))                  # official window, peak 0.16
    t = tracker(small_net, window_output=True, window_influence=0.25)
    t.initialize(frames[0], {'init_bbox': boxes[0]})
    ref = 0.75 + 0.25 * fcot_hann2d(36) / fcot_hann2d(36).max()
    assert torch.allclose(t.window, ref) and abs(t.window.max().item() - 1) < 1e-6
    assert t.track(frames[1])['flag'] in ('normal', 'uncertain', 'hard_negative')
    with pytest.raises(ValueError, match="window_influence=0.25 needs window_output=True"):
        tracker(small_net, window_influence=0.25).initialize(frames[0], {'init_bbox': boxes[0]})


def test_motion_gate_in_the_tracker(small_net):
    """``peak_selection='motion'`` (not official): the tracker predicts the peak position from its last two peak
    positions, takes the local maximum nearest that prediction within ``peak_gate_ratio`` of the highest peak and
    flags a switch ``peak_switch_flag``; with ``peak_gate_ratio=1`` nothing can switch and the boxes of both gates
    ('motion', 'template') are the official ones; bad settings are rejected at initialisation, naming the parameter."""
    from pytracking.tracker.fcot import localization as loc
    frames, boxes = moving_square_sequence(num_frames=6)
    runs = []
    for kw in (dict(), dict(peak_selection='motion', peak_gate_ratio=1.0),
               dict(peak_selection='template', peak_gate_ratio=1.0)):
        t = tracker(small_net, **kw)
        t.initialize(frames[0], {'init_bbox': boxes[0]})
        runs.append(np.array([t.track(im)['target_bbox'] for im in frames[1:]]))
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[0], runs[2])

    t = tracker(small_net, peak_selection='motion', peak_gate_ratio=0.6, peak_switch_flag='uncertain')
    t.initialize(frames[0], {'init_bbox': boxes[0]})
    # last peak positions (row, col): moving +8 px down per frame; the search region is centred on the last one
    t.prev_pos, t.motion_prev_pos = torch.tensor([60.0, 70.0]), torch.tensor([52.0, 70.0])
    sample_pos, scale = torch.tensor([60.0, 70.0]), torch.tensor(1.0)        # 144-px crop, 36 cells of 4 px
    scores = torch.zeros(36, 36)
    scores[5, 30] = 1.0                     # the highest peak, far from the prediction
    scores[19, 17] = 0.7                    # predicted cell: 17.5 + 8 / 4 = 19.5 rows, 17.5 cols
    scores[17, 17] = 0.8                    # next to the last position (17.5, 17.5)
    first = loc.Localization(torch.tensor([5, 30]), torch.tensor([5 - 17.5, 30 - 17.5]), 'normal',
                             torch.tensor(1.0))
    got = t._motion_gate(first, scores, sample_pos, scale)
    assert got.peak.tolist() == [19, 17] and got.flag == 'uncertain'
    assert got.disp.tolist() == [1.5, -0.5] and float(got.max_score) == pytest.approx(0.7)
    t.params.motion_velocity_rate = 0.0     # predict the last position: the 0.8 peak is nearest
    assert t._motion_gate(first, scores, sample_pos, scale).peak.tolist() == [17, 17]
    t.params.peak_gate_ratio = 0.9        # neither lower peak qualifies: the official result stands
    assert t._motion_gate(first, scores, sample_pos, scale) is first

    for bad, match in ((dict(peak_selection='nearest'), 'peak_selection'),
                       (dict(peak_selection='motion', peak_switch_flag='lost'), 'peak_switch_flag'),
                       (dict(peak_selection='motion', motion_velocity_rate=2.0), 'motion_velocity_rate'),
                       (dict(peak_selection='template', template_size=1), 'template_size')):
        with pytest.raises(ValueError, match=match):
            tracker(small_net, **bad).initialize(frames[0], {'init_bbox': boxes[0]})


def test_crop_resampling_option_reaches_every_crop(small_net, monkeypatch):
    """``crop_resampling`` (not official) is passed to the first-frame and the per-frame crops; 'official' is the
    default, and an unknown value names the setting and the allowed values."""
    import pytracking.tracker.fcot.fcot as fcot_module
    frames, boxes = moving_square_sequence(num_frames=2)
    seen = []

    def spy(real):
        def wrapped(*args, **kwargs):
            seen.append((real.__name__, kwargs.get('resampling')))
            return real(*args, **kwargs)
        return wrapped
    monkeypatch.setattr(fcot_module, 'sample_patch', spy(fcot_module.sample_patch))
    monkeypatch.setattr(fcot_module, 'sample_patch_transformed', spy(fcot_module.sample_patch_transformed))
    for value in (None, 'antialias'):
        seen.clear()
        t = tracker(small_net) if value is None else tracker(small_net, crop_resampling=value)
        t.initialize(frames[0], {'init_bbox': boxes[0]})
        t.track(frames[1])
        want = 'official' if value is None else value
        assert seen == [('sample_patch_transformed', want), ('sample_patch', want)]
    with pytest.raises(ValueError, match=r"crop_resampling='area'; allowed: \('official', 'bilinear', 'antialias'\)"):
        tracker(small_net, crop_resampling='area').initialize(frames[0], {'init_bbox': boxes[0]})
