"""Tux Paint stamp cutouts as synthetic targets (splits 'train_stamps' and 'train_opencv_stamps',
:mod:`ltr.dataset.synthetic.stamps`).

The real stamps (Debian ``tuxpaint-stamps-default``) are not installed in CI: each test writes a small stamps folder
in the package's layout (``<group>/[cartoon/]<name>.png``, RGBA) and points ``TUXPAINT_STAMPS_DIR`` at it."""
import math

import cv2
import numpy as np
import pytest

from ltr.dataset import synthetic
from ltr.dataset.synthetic import appearance as app
from ltr.dataset.synthetic import render, sources, stamps


def _disc_rgba(w, h, colour, pad=5):
    """An RGBA image ``(h + 2 pad, w + 2 pad)`` holding an opaque filled ellipse of size w x h in ``colour`` (BGR)
    on a transparent margin whose hidden colour is bright green."""
    im = np.zeros((h + 2 * pad, w + 2 * pad, 4), np.uint8)
    im[:, :, 1] = 255
    mask = np.zeros(im.shape[:2], np.uint8)
    cv2.ellipse(mask, ((pad + (w - 1) / 2.0, pad + (h - 1) / 2.0), (float(w), float(h)), 0.0), 255, -1)
    im[mask > 0, :3] = colour
    im[:, :, 3] = mask
    return im


@pytest.fixture
def stamp_dir(tmp_path, monkeypatch):
    root = tmp_path / 'stamps'
    files = {
        'animals/birds/duck.png': _disc_rgba(60, 40, (0, 200, 255)),
        'animals/birds/cartoon/owl.png': _disc_rgba(30, 50, (40, 40, 200)),
        'animals/birds/goose.png': _disc_rgba(50, 50, (200, 200, 200)),
        'animals/birds/goose_mirror.png': _disc_rgba(50, 50, (200, 200, 200)),   # a mirror copy: skipped
        'food/fruit/apple.png': _disc_rgba(44, 48, (30, 30, 220)),
        'symbols/alphabets/a.png': _disc_rgba(20, 20, (0, 0, 0)),                # symbols/: skipped
        'town/flag.png': np.full((20, 30, 3), 128, np.uint8),                    # no alpha: skipped
    }
    for rel, im in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(path), im)
    (root / 'food' / 'fruit' / 'apple.txt').write_text('description, not a stamp')
    monkeypatch.setenv(stamps.STAMPS_DIR_ENV, str(root))
    monkeypatch.setattr(stamps, 'EXPECTED_STAMP_COUNT', 4)
    monkeypatch.setattr(stamps, '_cache', {})
    return root


def test_list_stamps_keeps_objects_with_alpha_sorted(stamp_dir):
    assert stamps.list_stamps() == ('animals/birds/cartoon/owl.png', 'animals/birds/duck.png',
                                    'animals/birds/goose.png', 'food/fruit/apple.png')
    assert stamps.stamp_group('animals/birds/cartoon/owl.png') == 'animals/birds'
    assert stamps.stamp_groups(stamps.list_stamps()) == {
        'animals/birds': ['animals/birds/cartoon/owl.png', 'animals/birds/duck.png', 'animals/birds/goose.png'],
        'food/fruit': ['food/fruit/apple.png']}


def test_list_stamps_refuses_another_stamp_set_and_a_missing_folder(stamp_dir, monkeypatch, tmp_path):
    monkeypatch.setattr(stamps, 'EXPECTED_STAMP_COUNT', 535)
    with pytest.raises(ValueError, match=r"4 usable stamps in .*expected 535 \(Debian tuxpaint-stamps-default"):
        stamps.list_stamps()
    assert len(stamps.list_stamps(check_count=False)) == 4
    monkeypatch.setenv(stamps.STAMPS_DIR_ENV, str(tmp_path / 'nowhere'))
    with pytest.raises(FileNotFoundError, match=r"nowhere.*apt-get install tuxpaint-stamps-default.*"
                                                r"TUXPAINT_STAMPS_DIR"):
        stamps.list_stamps()


def test_load_stamp_crops_to_the_object_and_hides_the_transparent_colour(stamp_dir):
    rgb, alpha = stamps.load_stamp('animals/birds/duck.png')
    raw = cv2.imread(str(stamp_dir / 'animals/birds/duck.png'), cv2.IMREAD_UNCHANGED)
    ys, xs = np.nonzero(raw[:, :, 3] >= 128)
    box_h, box_w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    assert abs(box_w - 60) <= 1 and abs(box_h - 40) <= 1
    assert rgb.shape == (box_h, box_w, 3) and alpha.shape == (box_h, box_w) and rgb.dtype == np.uint8
    np.testing.assert_array_equal(alpha, raw[ys.min():ys.max() + 1, xs.min():xs.max() + 1, 3] / np.float32(255))
    assert alpha.dtype == np.float32 and alpha[20, 30] == 1.0 and alpha[0, 0] == 0.0
    assert tuple(rgb[20, 30]) == (255, 200, 0)                      # RGB of the opaque BGR (0, 200, 255)
    # the hidden colour (bright green in the file) is replaced by a blur of the object's colour
    assert abs(int(rgb[0, 0, 1]) - 200) < 30 and rgb[0, 0, 0] > 150
    # the mask touches all four sides of its box, as every shape mask does
    assert alpha[0].max() > 0.5 and alpha[-1].max() > 0.5 and alpha[:, 0].max() > 0.5 and alpha[:, -1].max() > 0.5


def test_stamp_shape_mask_is_the_resized_alpha():
    alpha = np.zeros((80, 120), np.float32)
    cv2.ellipse(alpha, ((59.5, 39.5), (120.0, 80.0), 0.0), 1.0, -1)
    for w, h in ((60, 40), (150, 100), (31, 47)):
        m = app.shape_mask('stamp', w, h, {'alpha': alpha})
        assert m.shape == (h, w) and m.min() >= 0 and m.max() <= 1
        assert abs(m.mean() - math.pi / 4) < 0.03                    # an ellipse filling its box
        assert app.tight_box(m) == [0, 0, w, h]


def test_a_stamp_object_shows_the_whole_stamp(stamp_dir):
    rng = np.random.default_rng(0)
    tex, shape, aspect = render._stamp_object(rng, 'food/fruit/apple.png')
    th, tw = tex.shape[:2]
    assert shape[0] == 'stamp' and shape[1]['alpha'].shape == (th, tw) and abs(tw - 44) <= 1 and abs(th - 48) <= 1
    assert abs(math.log(aspect / (tw / th))) <= render.STAMP_ASPECT_JITTER + 1e-9
    n = 3
    obj = render._Object(rng, tex, shape[0], shape[1], np.array([[88.0, 96.0]] * n), np.zeros(n),
                         np.array([[50.0, 60.0]] * n), np.ones(n), False)
    for t in range(n):
        rgb, alpha, x0, y0 = obj.patch(t, n)
        assert rgb.shape[:2] == alpha.shape == (96, 88) and (x0, y0) == (6, 12)
        np.testing.assert_array_equal(rgb, cv2.resize(tex, (88, 96), interpolation=cv2.INTER_LINEAR))
        np.testing.assert_allclose(alpha, np.clip(cv2.resize(shape[1]['alpha'], (88, 96)), 0, 1))


def test_train_stamps_sequences_mix_stamp_and_photo_targets_deterministically(stamp_dir):
    names = set(stamps.list_stamps())
    kinds = {'stamp': 0, 'photo': 0}
    for i in range(16):
        v = synthetic.render_sequence(synthetic.sequence_rng(3, 'train_stamps', i), 4, (96, 72), 'train_stamps',
                                      0.0, 'mixed')
        w = synthetic.render_sequence(synthetic.sequence_rng(3, 'train_stamps', i), 4, (96, 72), 'train_stamps',
                                      0.0, 'mixed')
        assert np.array_equal(v['bbox'], w['bbox']) and v['meta'] == w['meta']      # deterministic
        assert all(np.array_equal(f, g) for f, g in zip(v['frames'], w['frames']))
        meta, box = v['meta'], v['bbox']
        assert (box[:, 2:] > 0).all() and (box[:, :2] >= 0).all()
        assert (box[:, 0] + box[:, 2] <= 96).all() and (box[:, 1] + box[:, 3] <= 72).all()
        if meta['object_class'].startswith('tuxpaint:'):
            kinds['stamp'] += 1
            assert meta['object_class'][len('tuxpaint:'):] in names and meta['shape'] == 'stamp'
            assert meta['target_appearance'] == 'stamp'
        else:
            kinds['photo'] += 1
            assert meta['object_class'] in sources.SPLITS['train']['photos'] and meta['shape'] != 'stamp'
    assert kinds['stamp'] >= 5 and kinds['photo'] >= 2, kinds


def test_train_opencv_stamps_sequences_mix_stamps_with_opencv_and_training_photographs(stamp_dir, opencv_doc_dir):
    """``train_opencv_stamps`` (stage 29) draws stamp targets as ``train_stamps`` does and otherwise targets from
    ``train_opencv``'s photographs, OpenCV's among them, over ``train_opencv``'s photographs and videos; its random
    numbers are its own (split code 6), so the same seed and index render another sequence than ``train_opencv``."""
    split = sources.SPLITS['train_opencv_stamps']
    kinds = {'stamp': 0, 'photo': 0, 'opencv': 0}
    for i in range(24):
        v = synthetic.render_sequence(synthetic.sequence_rng(35, 'train_opencv_stamps', i), 3, (96, 72),
                                      'train_opencv_stamps', 0.0, 'mixed')
        meta = v['meta']
        assert meta['background'] in split['photos'] + split['videos']
        if meta['object_class'].startswith('tuxpaint:'):
            kinds['stamp'] += 1
            assert meta['shape'] == 'stamp'
        else:
            kinds['photo'] += 1
            assert meta['object_class'] in split['photos'] and meta['shape'] != 'stamp'
            kinds['opencv'] += meta['object_class'].startswith('opencv:')
    assert kinds['stamp'] >= 8 and kinds['photo'] >= 4 and kinds['opencv'] >= 1, kinds
    a = synthetic.render_sequence(synthetic.sequence_rng(35, 'train_opencv_stamps', 0), 3, (96, 72),
                                  'train_opencv_stamps', 0.0, 'mixed')
    b = synthetic.render_sequence(synthetic.sequence_rng(35, 'train_opencv', 0), 3, (96, 72), 'train_opencv', 0.0,
                                  'mixed')
    assert not np.array_equal(a['frames'][0], b['frames'][0])


def test_splits_without_stamps_never_read_the_stamps_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(stamps.STAMPS_DIR_ENV, str(tmp_path / 'nowhere'))
    monkeypatch.setattr(stamps, '_cache', {})
    v = synthetic.render_sequence(synthetic.sequence_rng(0, 'train', 0), 2, (64, 48), 'train', 0.0, 'mixed')
    assert not v['meta']['object_class'].startswith('tuxpaint:')
    with pytest.raises(FileNotFoundError, match='tuxpaint-stamps-default'):
        synthetic.render_sequence(synthetic.sequence_rng(0, 'train_stamps', 0), 2, (64, 48), 'train_stamps')
