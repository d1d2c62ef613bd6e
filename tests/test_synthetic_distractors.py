"""The synthetic generator's ``distractors`` option: 'standard' (the default, unchanged data), 'dense' (more
look-alike distractors, many following the target) and 'same_photo' (as many, mostly from the target's photograph)."""
import json
import os

import numpy as np
import pytest

from ltr.dataset import synthetic
from ltr.dataset.synthetic import motion, render

_SMALL = dict(num_sequences=3, num_frames=8, size=(96, 72), seed=5, p_occlusion=0.5)


def _render(i, mode, frames=6, seed=3, size=(160, 120)):
    return synthetic.render_sequence(synthetic.sequence_rng(seed, 'train', i), frames, size, 'train', 0.5,
                                     'photos', mode)


def test_follower_offsets_stay_within_their_distance_band_and_move_smoothly():
    rng = np.random.default_rng(0)
    side = 40.0
    for _ in range(20):
        off = motion.follower_offsets(rng, 60, side, distance=(0.7, 2.0))
        dist = np.linalg.norm(off, axis=1)
        # radius uniform(0.7, 2.0) * side, times exp(+-0.3) of drift
        assert dist.min() >= 0.7 * side * np.exp(-0.3) - 1e-9 and dist.max() <= 2.0 * side * np.exp(0.3) + 1e-9
        assert np.abs(np.diff(off, axis=0)).max() < 0.5 * side          # smooth: no jumps between frames
    angles = [np.arctan2(*motion.follower_offsets(rng, 2, side)[0][::-1]) for _ in range(200)]
    assert np.histogram(angles, bins=4, range=(-np.pi, np.pi))[0].min() > 25   # every direction


def test_dense_mode_has_more_lookalikes_and_followers_next_to_the_target(monkeypatch):
    calls = []
    moving = render._moving

    def recording(*args, **kwargs):
        obj, attrs = moving(*args, **kwargs)
        calls.append((obj, kwargs.get('follow')))
        return obj, attrs
    monkeypatch.setattr(render, '_moving', recording)
    counts = {'standard': [], 'dense': []}
    kinds = {'standard': [], 'dense': []}
    near, far = [], []
    for mode in ('standard', 'dense'):
        for i in range(16):
            calls.clear()
            v = _render(i, mode)
            counts[mode].append(v['meta']['num_distractors'])
            kinds[mode] += v['meta']['distractors'].split() if v['meta']['num_distractors'] else []
            target = calls[0][0]
            side = np.sqrt(np.prod(target.sizes[0]))
            followers = 0
            for obj, follow in calls[1:1 + v['meta']['num_distractors']]:
                dist = np.linalg.norm(obj.centres - target.centres, axis=1) / side
                (near if follow is not None else far).append(np.median(dist))
                followers += follow is not None
            if mode == 'dense':
                assert v['meta']['distractor_mode'] == 'dense' and v['meta']['followers'] == followers
            else:
                assert followers == 0 and 'distractor_mode' not in v['meta'] and 'followers' not in v['meta']
    assert np.mean(counts['dense']) > np.mean(counts['standard']) + 0.5
    assert kinds['dense'].count('lookalike') / len(kinds['dense']) > 0.45
    assert len(near) >= 10 and np.median(near) < 2.5 and np.median(near) < np.median(far)


def test_same_photo_mode_draws_mostly_regions_of_the_targets_photograph():
    counts, kinds = {'standard': [], 'same_photo': []}, {'standard': [], 'same_photo': []}
    for mode in counts:
        for i in range(24):
            m = _render(i, mode, frames=2)['meta']
            counts[mode].append(m['num_distractors'])
            kinds[mode] += m['distractors'].split() if m['num_distractors'] else []
            assert (m.get('distractor_mode'), 'followers' in m) == ((mode, True) if mode != 'standard' else (None,
                                                                                                             False))
    share = {mode: k.count('same_photo') / len(k) for mode, k in kinds.items()}
    assert share['same_photo'] > 0.45 and share['same_photo'] > share['standard'] + 0.15, share
    assert np.mean(counts['same_photo']) > np.mean(counts['standard']) + 0.5


def test_standard_mode_is_the_default_and_dense_changes_the_draws():
    a, b = _render(0, 'standard'), synthetic.render_sequence(synthetic.sequence_rng(3, 'train', 0), 6, (160, 120),
                                                             'train', 0.5)
    assert np.array_equal(a['bbox'], b['bbox']) and a['meta'] == b['meta']
    assert all(np.array_equal(f, g) for f, g in zip(a['frames'], b['frames']))
    dense = [_render(i, 'dense') for i in range(4)]
    assert any(not np.array_equal(d['frames'][0], _render(i, 'standard')['frames'][0]) for i, d in enumerate(dense))
    again = _render(1, 'dense')
    assert all(np.array_equal(f, g) for f, g in zip(again['frames'], dense[1]['frames']))


def test_dense_folder_records_its_mode_and_unknown_modes_are_refused(tmp_path):
    dense = synthetic.generate_synthetic_dataset(str(tmp_path / 'dense'), distractors='dense', **_SMALL)
    standard = synthetic.generate_synthetic_dataset(str(tmp_path / 'standard'), **_SMALL)
    with open(os.path.join(dense, 'synthetic_info.json')) as f:
        assert json.load(f)['distractors'] == 'dense'
    with open(os.path.join(standard, 'synthetic_info.json')) as f:
        assert 'distractors' not in json.load(f)           # the info file of folders written before the option
    assert 'distractor_mode: dense' in open(os.path.join(dense, 'synthetic_000001', 'meta_info.ini')).read()
    assert synthetic.ensure_synthetic_dataset(standard, distractors='standard') == standard
    assert synthetic.ensure_synthetic_dataset(dense, distractors='dense') == dense
    with pytest.raises(ValueError, match="distractors: existing standard vs requested dense"):
        synthetic.ensure_synthetic_dataset(standard, distractors='dense')
    with pytest.raises(ValueError,
                       match="distractors must be one of \\('standard', 'dense', 'same_photo'\\), got 'many'"):
        synthetic.generate_synthetic_dataset(str(tmp_path / 'x'), distractors='many', **_SMALL)
    with pytest.raises(ValueError, match="synthetic distractors 'many'; allowed"):
        _render(0, 'many')
    out = str(tmp_path / 'cli')
    args = [out, '--num_sequences', '1', '--num_frames', '4', '--size', '64', '48', '--distractors', 'dense']
    assert synthetic.main(args) == 0
    assert synthetic.main(args[:-1] + ['standard']) == 2     # validating with the other mode fails
