"""Evaluation datasets on tiny trees in their real on-disk layouts, plus Sequence/SequenceList/load_text.

Only the files a dataset class touches are written (annotation files, folders, the first frame);
frame files are empty unless a test reads images.
"""
import os

import numpy as np
import pytest

from pytracking.evaluation import Sequence, SequenceList, get_dataset, load_dataset
from pytracking.evaluation.dataset_layout import DatasetLayoutError
from pytracking.evaluation.datasets import dataset_dict
from pytracking.evaluation.environment import SettingsError
from pytracking.evaluation.got10kdataset import GOT10KDataset
from pytracking.evaluation.lasotdataset import LaSOTDataset
from pytracking.evaluation.nfsdataset import NFSDataset
from pytracking.evaluation.otbdataset import OTBDataset
from pytracking.evaluation.syntheticdataset import SyntheticDataset
from pytracking.evaluation.trackingnetdataset import TrackingNetDataset
from pytracking.evaluation.uavdataset import UAVDataset
from pytracking.evaluation.votdataset import VOTDataset
from pytracking.utils.load_text import TextLoadError, load_text


# ----------------------------------------------------------------------------------------------- helpers
def touch(path):
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    open(str(path), 'w').close()


def write_rows(path, rows, delimiter=','):
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(str(path), 'w') as f:
        for row in rows:
            f.write(delimiter.join(str(v) for v in row) + '\n')


def boxes(n, offset=0):
    """n distinct [x, y, w, h] rows: row i = [i + offset, 2 i, 10, 20]."""
    return [[i + offset, 2 * i, 10, 20] for i in range(n)]


# ----------------------------------------------------------------------------------------------- load_text
def test_load_text_delimiters_and_errors(tmp_path):
    write_rows(tmp_path / 'comma.txt', [[1, 2, 3, 4], ['NaN'] * 4])
    write_rows(tmp_path / 'ws.txt', [[1, 2, 3, 4], [5, 6, 7, 8]], delimiter='\t')
    a = load_text(tmp_path / 'comma.txt', delimiter=(',', None), dtype=np.float64)
    assert a.shape == (2, 4) and np.isnan(a[1]).all()
    b = load_text(tmp_path / 'ws.txt', delimiter=(',', None), dtype=np.float64)
    np.testing.assert_array_equal(b, [[1, 2, 3, 4], [5, 6, 7, 8]])

    write_rows(tmp_path / 'bad.txt', [[1, 2, 3, 4], [1, 'x', 3, 4]])
    with pytest.raises(TextLoadError) as e:
        load_text(tmp_path / 'bad.txt', delimiter=(',', None))
    assert 'bad.txt' in str(e.value) and 'line 2' in str(e.value)
    with pytest.raises(FileNotFoundError, match='missing.txt'):
        load_text(tmp_path / 'missing.txt')
    with pytest.raises(ValueError, match='backend'):
        load_text(tmp_path / 'comma.txt', backend='nope')


# ----------------------------------------------------------------------------------------------- Sequence
def test_sequence_init_info_and_start_frame_cut():
    gt = np.array(boxes(5), dtype=np.float64)
    seq = Sequence('s', ['f{}'.format(i) for i in range(5)], 'otb', gt)
    assert seq.init_info() == {'init_bbox': [0.0, 0.0, 10.0, 20.0]}
    assert seq.frame_info(1) == {}
    assert seq.get('init_bbox') == [0.0, 0.0, 10.0, 20.0]
    assert seq.get_bbox(3) == [3.0, 6.0, 10.0, 20.0]
    assert repr(seq) == 'Sequence s, length=5 frames'

    vis = np.array([True, False, True, True, False])
    cut = Sequence('c', ['f{}'.format(i) for i in range(5)], 'x', gt, target_visible=vis,
                   init_data={2: {'bbox': gt[2]}})
    assert cut.frames == ['f2', 'f3', 'f4']
    np.testing.assert_array_equal(cut.ground_truth_rect, gt[2:])
    np.testing.assert_array_equal(cut.target_visible, vis[2:])
    assert cut.init_info() == {'init_bbox': [2.0, 4.0, 10.0, 20.0]}


def test_sequence_list_indexing():
    seqs = SequenceList([Sequence(n, ['a'], 'x', np.zeros((1, 4))) for n in ('a', 'b', 'c')])
    assert seqs['b'].name == 'b'
    assert seqs[2].name == 'c'
    assert [s.name for s in seqs[[0, 2]]] == ['a', 'c'] and isinstance(seqs[[0, 2]], SequenceList)
    assert isinstance(seqs[1:], SequenceList) and len(seqs[1:]) == 2
    assert isinstance(seqs + seqs, SequenceList) and isinstance(seqs.copy(), SequenceList)
    with pytest.raises(IndexError, match='zzz'):
        seqs['zzz']


# ----------------------------------------------------------------------------------------------- OTB
def test_otb_layout_special_cases(tmp_path, pytracking_local):
    root = tmp_path / 'OTB100'
    # Tiger1: initOmit = 5, frames 1..354
    write_rows(root / 'Tiger1' / 'groundtruth_rect.txt', boxes(354))
    touch(root / 'Tiger1' / 'img' / '0006.jpg')
    # BlurCar3: startFrame 3, endFrame 359, whitespace-delimited ground truth
    write_rows(root / 'BlurCar3' / 'groundtruth_rect.txt', boxes(357, offset=100), delimiter='\t')
    touch(root / 'BlurCar3' / 'img' / '0003.jpg')
    # Jogging_1 / Jogging_2 share the frames, separate ground-truth files
    write_rows(root / 'Jogging' / 'groundtruth_rect.1.txt', boxes(307, offset=1))
    write_rows(root / 'Jogging' / 'groundtruth_rect.2.txt', boxes(307, offset=2))
    touch(root / 'Jogging' / 'img' / '0001.jpg')
    # KiteSurf: jpg/ folder with png frames; Board: 5-digit names
    write_rows(root / 'KiteSurf' / 'groundtruth_rect.txt', boxes(84))
    touch(root / 'KiteSurf' / 'jpg' / '0001.png')
    write_rows(root / 'Board' / 'groundtruth_rect.txt', boxes(698))
    touch(root / 'Board' / 'img' / '00001.jpg')
    pytracking_local(otb_path=str(root))

    names = ['Tiger1', 'BlurCar3', 'Jogging_1', 'Jogging_2', 'KiteSurf', 'Board']
    dataset = OTBDataset(sequences=names)
    assert len(dataset) == 6
    seqs = dataset.get_sequence_list()
    assert [s.name for s in seqs] == names
    assert all(s.dataset == 'otb' for s in seqs)

    tiger = seqs['Tiger1']
    assert len(tiger.frames) == 349 and len(tiger.ground_truth_rect) == 349
    assert tiger.frames[0] == os.path.join(str(root), 'Tiger1', 'img', '0006.jpg')
    assert tiger.init_info()['init_bbox'] == [5.0, 10.0, 10.0, 20.0]

    blur = seqs['BlurCar3']
    assert len(blur.frames) == 357 and blur.frames[0].endswith(os.path.join('BlurCar3', 'img', '0003.jpg'))
    assert blur.frames[-1].endswith('0359.jpg')
    assert blur.init_bbox() == [100.0, 0.0, 10.0, 20.0]
    assert blur.object_class == 'car'

    assert seqs['Jogging_1'].init_bbox()[0] == 1.0 and seqs['Jogging_2'].init_bbox()[0] == 2.0
    assert seqs['Jogging_2'].frames[0].endswith(os.path.join('Jogging', 'img', '0001.jpg'))
    assert seqs['KiteSurf'].frames[0].endswith(os.path.join('KiteSurf', 'jpg', '0001.png'))
    assert seqs['Board'].frames[0].endswith(os.path.join('Board', 'img', '00001.jpg'))

    # the embedded table has the 100 sequences
    assert len(OTBDataset()) == 100
    with pytest.raises(ValueError, match='NoSuchSeq'):
        OTBDataset(sequences=['NoSuchSeq'])


def test_wrong_root_errors_name_the_field(tmp_path, pytracking_local):
    settings_file = pytracking_local(otb_path=str(tmp_path / 'does_not_exist'))
    with pytest.raises(SettingsError) as e:
        OTBDataset()
    assert 'otb_path' in str(e.value) and str(settings_file) in str(e.value)

    (tmp_path / 'empty').mkdir()
    settings_file = pytracking_local(otb_path=str(tmp_path / 'empty'), lasot_path=str(tmp_path / 'empty'))
    with pytest.raises(DatasetLayoutError) as e:
        get_dataset('otb')
    msg = str(e.value)
    assert 'otb_path' in msg and str(settings_file) in msg and 'Basketball' in msg
    with pytest.raises(DatasetLayoutError, match='lasot_path'):
        load_dataset('lasot')

    pytracking_local(nfs_path='')
    with pytest.raises(SettingsError, match='nfs_path'):
        NFSDataset()


# ----------------------------------------------------------------------------------------------- NFS / UAV
def test_nfs_tab_annotations(tmp_path, pytracking_local):
    root = tmp_path / 'nfs'
    write_rows(root / 'anno' / 'nfs_Skiing_red.txt', boxes(69, offset=3), delimiter='\t')
    touch(root / 'sequences' / 'Skiing_red' / '00001.jpg')
    pytracking_local(nfs_path=str(root))
    seq = NFSDataset(sequences=['nfs_Skiing_red']).get_sequence_list()[0]
    assert seq.name == 'nfs_Skiing_red' and seq.dataset == 'nfs'
    assert len(seq.frames) == 69 and seq.frames[-1].endswith(os.path.join('Skiing_red', '00069.jpg'))
    assert seq.init_bbox() == [3.0, 0.0, 10.0, 20.0]
    assert seq.ground_truth_rect.shape == (69, 4)
    assert len(NFSDataset()) == 100


def test_uav_subsequence_and_nan_rows(tmp_path, pytracking_local):
    root = tmp_path / 'UAV123'
    rows = boxes(703)
    rows[10] = ['NaN'] * 4
    write_rows(root / 'anno' / 'UAV123' / 'bird1_2.txt', rows)
    touch(root / 'data_seq' / 'UAV123' / 'bird1' / '000775.jpg')
    pytracking_local(uav_path=str(root))
    seq = UAVDataset(sequences=['uav_bird1_2']).get_sequence_list()[0]
    assert seq.dataset == 'uav' and seq.object_class == 'bird'
    assert len(seq.frames) == 703
    assert seq.frames[0].endswith(os.path.join('data_seq', 'UAV123', 'bird1', '000775.jpg'))
    assert seq.frames[-1].endswith('001477.jpg')
    assert np.isnan(seq.ground_truth_rect[10]).all() and not np.isnan(seq.ground_truth_rect[11]).any()
    assert len(UAVDataset()) == 123


# ----------------------------------------------------------------------------------------------- LaSOT
def test_lasot_visibility(tmp_path, pytracking_local):
    root = tmp_path / 'LaSOT'
    seq_dir = root / 'airplane' / 'airplane-1'
    write_rows(seq_dir / 'groundtruth.txt', boxes(5))
    write_rows(seq_dir / 'full_occlusion.txt', [[0, 0, 1, 0, 0]])
    write_rows(seq_dir / 'out_of_view.txt', [[0, 0, 0, 1, 0]])
    (seq_dir / 'img').mkdir()
    pytracking_local(lasot_path=str(root))
    dataset = LaSOTDataset(sequences=['airplane-1'])
    seq = dataset.get_sequence_list()[0]
    assert seq.dataset == 'lasot' and seq.object_class == 'airplane'
    np.testing.assert_array_equal(seq.target_visible, [True, True, False, False, True])
    assert len(seq.frames) == 5 and seq.frames[4].endswith(os.path.join('airplane-1', 'img', '00000005.jpg'))

    full = LaSOTDataset()
    assert len(full) == 280
    assert len({n.rsplit('-', 1)[0] for n in full.sequence_list}) == 70

    write_rows(seq_dir / 'out_of_view.txt', [[0, 0, 0]])
    with pytest.raises(ValueError, match='out_of_view.txt'):
        dataset.get_sequence_list()


# ----------------------------------------------------------------------------------------------- GOT-10k
def _got_sequence(base, name, num_frames, num_gt_rows, offset=0):
    write_rows(base / name / 'groundtruth.txt', boxes(num_gt_rows, offset))
    for i in range(1, num_frames + 1):
        touch(base / name / '{:08d}.jpg'.format(i))


def test_got10k_test_val_and_ltrval(tmp_path, pytracking_local):
    root = tmp_path / 'GOT-10k'
    write_rows(root / 'test' / 'list.txt', [['GOT-10k_Test_000001'], ['GOT-10k_Test_000002']])
    _got_sequence(root / 'test', 'GOT-10k_Test_000001', 11, 1, offset=7)
    _got_sequence(root / 'test', 'GOT-10k_Test_000002', 3, 1)
    write_rows(root / 'train' / 'list.txt', [['GOT-10k_Train_%06d' % i] for i in range(1, 4)])
    for i in range(1, 4):
        _got_sequence(root / 'train', 'GOT-10k_Train_%06d' % i, 2, 2, offset=i)
    spec = tmp_path / 'specs'
    write_rows(spec / 'got10k_val_split.txt', [[2], [0]])
    pytracking_local(got10k_path=str(root), dataspec_path=str(spec))

    test = get_dataset('got10k_test')
    assert [s.name for s in test] == ['GOT-10k_Test_000001', 'GOT-10k_Test_000002']
    seq = test[0]
    assert seq.dataset == 'got10k' and len(seq.frames) == 11
    assert seq.frames[9].endswith('00000010.jpg') and seq.frames[10].endswith('00000011.jpg')
    assert seq.init_bbox() == [7.0, 0.0, 10.0, 20.0] and seq.ground_truth_rect.shape == (1, 4)

    ltrval = load_dataset('gotlv')
    assert [s.name for s in ltrval] == ['GOT-10k_Train_000003', 'GOT-10k_Train_000001']

    with pytest.raises(DatasetLayoutError, match='got10k_path'):
        GOT10KDataset('val')
    with pytest.raises(ValueError, match='ltrval'):
        GOT10KDataset('train')


# ----------------------------------------------------------------------------------------------- TrackingNet
def test_trackingnet_unpadded_numeric_order(tmp_path, pytracking_local):
    root = tmp_path / 'TrackingNet'
    for video in ('vid_b', 'vid_a'):
        write_rows(root / 'TEST' / 'anno' / (video + '.txt'), boxes(1, offset=4))
        for k in range(12):
            touch(root / 'TEST' / 'frames' / video / '{}.jpg'.format(k))
    pytracking_local(trackingnet_path=str(root))
    assert len(TrackingNetDataset()) == 2
    seqs = load_dataset('tn')
    assert [s.name for s in seqs] == ['vid_a', 'vid_b']
    names = [os.path.basename(f) for f in seqs[0].frames]
    assert names == ['{}.jpg'.format(k) for k in range(12)]  # 10.jpg after 9.jpg
    assert seqs[0].dataset == 'trackingnet' and seqs[0].init_bbox() == [4.0, 0.0, 10.0, 20.0]


# ----------------------------------------------------------------------------------------------- VOT
def test_vot_polygons_to_boxes(tmp_path, pytracking_local):
    root = tmp_path / 'vot2018'
    polys = [[10, 20, 30, 15, 35, 40, 12, 45], [1.5, 2.5, 9.5, 2.5, 9.5, 8.5, 1.5, 8.5]]
    write_rows(root / 'ants1' / 'groundtruth.txt', polys)
    (root / 'ants1' / 'color').mkdir()
    pytracking_local(vot_path=str(root))
    dataset = VOTDataset(sequences=['ants1'])
    seq = dataset.get_sequence_list()[0]
    np.testing.assert_allclose(seq.ground_truth_poly, polys)
    np.testing.assert_allclose(seq.ground_truth_rect, [[10, 15, 25, 30], [1.5, 2.5, 8, 6]])
    assert seq.init_bbox() == [10.0, 15.0, 25.0, 30.0]
    assert seq.frames[1].endswith(os.path.join('ants1', 'color', '00000002.jpg'))
    assert len(VOTDataset()) == 60
    with pytest.raises(DatasetLayoutError, match='vot_path'):
        VOTDataset(sequences=['bag']).get_sequence_list()


# ----------------------------------------------------------------------------------------------- synthetic
def test_synthetic_got_layout(tmp_path, pytracking_local):
    root = tmp_path / 'synthetic'
    write_rows(root / 'list.txt', [['seq_b'], ['seq_a']])
    _got_sequence(root, 'seq_b', 4, 4)
    _got_sequence(root, 'seq_a', 3, 3)
    write_rows(root / 'seq_a' / 'absence.label', [[0], [1], [0]])
    pytracking_local(synthetic_path=str(root))
    seqs = get_dataset('synthetic')
    assert [s.name for s in seqs] == ['seq_b', 'seq_a']
    assert seqs['seq_b'].ground_truth_rect.shape == (4, 4) and seqs['seq_b'].target_visible is None
    np.testing.assert_array_equal(seqs['seq_a'].target_visible, [True, False, True])
    assert len(SyntheticDataset()) == 2


# ----------------------------------------------------------------------------------------------- registry
def test_registry_keys_and_unknown_name():
    for key in ('otb', 'nfs', 'uav', 'lasot', 'got10k_test', 'got10k_val', 'got10k_ltrval', 'trackingnet', 'vot',
                'synthetic', 'tn', 'gott', 'gotv', 'gotlv'):
        assert key in dataset_dict
    assert dataset_dict['gott'] == dataset_dict['got10k_test']
    with pytest.raises(ValueError) as e:
        get_dataset('otb2015')
    assert 'otb2015' in str(e.value) and 'got10k_ltrval' in str(e.value) and 'gotlv' in str(e.value)
