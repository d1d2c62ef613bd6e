"""FCOT processing: crop geometry, jitter, labels, regression targets, transforms and loader collation."""
import math

import numpy as np
import pytest
import torch

import ltr.data.processing_utils as prutils
from ltr.data import transforms as tfm
from ltr.data.loader import LTRLoader, ltr_collate
from ltr.data.processing import AnchorFreeProcessing
from ltr.libs.tensordict import TensorDict

ZERO_JITTER = dict(center_jitter_factor={'train': 0, 'test': 0}, scale_jitter_factor={'train': 0, 'test': 0})
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


class FixedRng:
    """Stand-in for np.random.Generator returning given values."""

    def __init__(self, normal, uniform):
        self.normal, self.uniform = np.asarray(normal, float), np.asarray(uniform, float)

    def standard_normal(self, n):
        return self.normal[:n]

    def random(self, n=None):
        return self.uniform[:n] if n is not None else float(self.uniform[0])


def box_image(h, w, box):
    """(h, w, 3) uint8 black image with a white [x, y, w, h] rectangle (integer box)."""
    im = np.zeros((h, w, 3), np.uint8)
    x, y, bw, bh = box
    im[y:y + bh, x:x + bw] = 255
    return im


def sample(frames, boxes, n_train=1):
    return TensorDict({'train_images': frames[:n_train], 'train_anno': [torch.tensor(b, dtype=torch.float32)
                                                                        for b in boxes[:n_train]],
                       'test_images': frames[n_train:], 'test_anno': [torch.tensor(b, dtype=torch.float32)
                                                                      for b in boxes[n_train:]],
                       'dataset': 'x', 'test_class': None})


# --------------------------------------------------------------------------------------------- crop geometry
def test_sample_target_matches_edge_padded_reference():
    rng = np.random.default_rng(0)
    im = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    padded = np.pad(im, ((100, 100), (100, 100), (0, 0)), mode='edge')
    for box in ([3.0, 4.0, 6.0, 5.0], [40.0, 30.0, 9.0, 8.0], [20.0, 10.0, 7.5, 4.2], [-5.0, 35.0, 4.0, 4.0]):
        crop, factor = prutils.sample_target(im, torch.tensor(box), 2.0, output_sz=None, edge_rule='exact')
        x, y, w, h = box
        side = math.ceil(math.sqrt(w * h) * 2.0)
        x1, y1 = round(x + w / 2 - side / 2), round(y + h / 2 - side / 2)
        assert crop.shape == (side, side, 3) and factor == 1.0
        np.testing.assert_array_equal(crop, padded[100 + y1:100 + y1 + side, 100 + x1:100 + x1 + side])


def test_sample_target_official_edge_rule_drops_the_last_column_and_row():
    """Official padding max(x2 - W + 1, 0): a crop that reaches the right (bottom) edge sees the image without its
    last column (row), edge-padded from the one before. Boxes inside the image are unaffected."""
    rng = np.random.default_rng(1)
    im = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    for box in ([3.0, 4.0, 6.0, 5.0], [40.0, 30.0, 9.0, 8.0], [44.0, 2.0, 6.0, 5.0], [20.0, 36.0, 5.0, 4.0],
                [18.0, 16.0, 6.0, 6.0]):
        crop, _ = prutils.sample_target(im, torch.tensor(box), 2.0)
        x, y, w, h = box
        side = math.ceil(math.sqrt(w * h) * 2.0)
        x1, y1 = round(x + w / 2 - side / 2), round(y + h / 2 - side / 2)
        cut = im[:39 if y1 + side >= 40 else 40, :49 if x1 + side >= 50 else 50]
        padded = np.pad(cut, ((100, 100), (100, 100), (0, 0)), mode='edge')
        np.testing.assert_array_equal(crop, padded[100 + y1:100 + y1 + side, 100 + x1:100 + x1 + side])
    inside, _ = prutils.sample_target(im, [18.0, 16.0, 6.0, 6.0], 2.0)
    exact, _ = prutils.sample_target(im, [18.0, 16.0, 6.0, 6.0], 2.0, edge_rule='exact')
    np.testing.assert_array_equal(inside, exact)
    edge, _ = prutils.sample_target(im, [44.0, 2.0, 6.0, 5.0], 2.0)
    assert not np.array_equal(edge, prutils.sample_target(im, [44.0, 2.0, 6.0, 5.0], 2.0, edge_rule='exact')[0])
    with pytest.raises(ValueError, match='edge_rule'):
        prutils.sample_target(im, [1.0, 1.0, 4.0, 4.0], 2.0, edge_rule='nearest')


def test_sample_target_crop_entirely_outside_image_replicates_nearest_pixels():
    im = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    crop, _ = prutils.sample_target(im, [20.0, -30.0, 2.0, 2.0], 2.0)
    assert crop.shape == (4, 4, 3)
    assert (crop == im[0, 4]).all()


def test_sample_target_resizes_and_rejects_degenerate_boxes():
    im = np.zeros((30, 30, 3), np.uint8)
    crop, factor = prutils.sample_target(im, [10.0, 10.0, 4.0, 4.0], 5.0, output_sz=288)
    assert crop.shape == (288, 288, 3) and factor == pytest.approx(288 / 20)
    with pytest.raises(ValueError, match='w > 0 and h > 0'):
        prutils.sample_target(im, [10.0, 10.0, 0.0, 4.0], 5.0, 288)


def test_zero_jitter_box_lands_at_crop_centre_with_scaled_size():
    box = [100, 80, 40, 30]
    im = box_image(300, 400, box)
    proc = AnchorFreeProcessing(5.0, 288, mode='sequence', transform=tfm.Transform(tfm.ToTensor()), **ZERO_JITTER)
    out = proc(sample([im, im.copy()], [box, box]), rng=np.random.default_rng(0))
    side = math.ceil(math.sqrt(40 * 30) * 5.0)  # 174
    s = 288 / side
    expected = torch.tensor([143.5 - 20 * s, 143.5 - 15 * s, 40 * s, 30 * s])
    assert torch.allclose(out['train_anno'][0], expected, atol=1e-4)
    assert torch.allclose(out['test_anno'][0], expected, atol=1e-4)
    # The white rectangle in the crop is where the box says (within the resampling blur).
    white = out['train_images'][0, 0] > 0.5
    rows, cols = torch.nonzero(white, as_tuple=True)
    x0, y0, w, h = expected.tolist()
    assert abs(cols.min().item() - x0) <= 1.5 and abs(cols.max().item() + 1 - (x0 + w)) <= 1.5
    assert abs(rows.min().item() - y0) <= 1.5 and abs(rows.max().item() + 1 - (y0 + h)) <= 1.5


def test_box_corners_are_clamped_into_the_crop():
    box = [10, 100, 360, 10]  # elongated: the scaled box is wider than the crop
    im = box_image(300, 400, box)
    proc = AnchorFreeProcessing(5.0, 288, mode='sequence', transform=tfm.Transform(tfm.ToTensor()), **ZERO_JITTER)
    out = proc(sample([im, im.copy()], [box, box]), rng=np.random.default_rng(0))
    s = 288 / 300
    assert torch.allclose(out['test_anno'][0], torch.tensor([0.0, 143.5 - 5 * s, 287.0, 10 * s]), atol=1e-4)
    clamped = prutils.clamp_box_corners(torch.tensor([[-10.0, 280.0, 30.0, 20.0]]), 288)
    assert torch.equal(clamped, torch.tensor([[0.0, 280.0, 20.0, 7.0]]))


def test_transform_image_to_crop_formula():
    out = prutils.transform_image_to_crop([110.0, 60.0, 20.0, 10.0], [100.0, 50.0, 20.0, 20.0], 2.0, 288)
    # centre_in (120, 65), centre_extract (110, 60): (143.5 + 20, 143.5 + 10), size (40, 20)
    assert torch.allclose(out, torch.tensor([163.5 - 20, 153.5 - 10, 40.0, 20.0]))


# ---------------------------------------------------------------------------------------------------- jitter
def test_jitter_box_formula():
    rng = FixedRng(normal=[0.5, -1.0], uniform=[0.9, 0.2])
    box = torch.tensor([10.0, 20.0, 40.0, 30.0])
    out = prutils.jitter_box(box, scale_jitter_factor=0.25, center_jitter_factor=3.0, rng=rng)
    w, h = 40 * math.exp(0.5 * 0.25), 30 * math.exp(-1.0 * 0.25)
    max_off = math.sqrt(w * h) * 3.0
    cx, cy = 30 + max_off * (0.9 - 0.5), 35 + max_off * (0.2 - 0.5)
    assert torch.allclose(out, torch.tensor([cx - w / 2, cy - h / 2, w, h]), atol=1e-4)


def test_jitter_statistics_follow_train_and_test_factors():
    rng = np.random.default_rng(1)
    box = torch.tensor([0.0, 0.0, 20.0, 20.0])
    out = torch.stack([prutils.jitter_box(box, 0.5, 4.5, rng) for _ in range(3000)])
    log_w = torch.log(out[:, 2] / 20)
    assert abs(log_w.std().item() - 0.5) < 0.03 and abs(log_w.mean().item()) < 0.03
    offset = (out[:, 0] + out[:, 2] / 2 - 10) / (out[:, 2] * out[:, 3]).sqrt()
    assert offset.min() >= -2.25 - 1e-4 and offset.max() <= 2.25 + 1e-4  # U(-0.5, 0.5) * 4.5
    assert offset.min() < -2.1 and offset.max() > 2.1


# ---------------------------------------------------------------------------------------------------- labels
def reference_label(center, F, sigma, image_sz=288):
    """Section 3.2 formula, written independently: grid k = -(F-1)/2 ... (F+1)/2 (F + 1 points)."""
    k = np.arange(F + 1) - (F - 1) / 2
    cx = F * (center[0] - image_sz / 2) / image_sz + 0.5
    cy = F * (center[1] - image_sz / 2) / image_sz + 0.5
    gx = np.exp(-(k - cx) ** 2 / (2 * sigma ** 2))
    gy = np.exp(-(k - cy) ** 2 / (2 * sigma ** 2))
    return gy[:, None] * gx[None, :]


def test_gaussian_labels_peak_at_target_centre():
    box = torch.tensor([[150.0, 86.0, 20.0, 20.0]])  # centre (160, 96): cell (x 10, y 6) at stride 16
    lab18 = prutils.gaussian_label_function(box, 0.05, 4, 18, 288)
    assert lab18.shape == (1, 19, 19)
    assert lab18[0, 6, 10] == pytest.approx(1.0) and lab18.argmax().item() == 6 * 19 + 10
    assert lab18[0, 6, 11] == pytest.approx(math.exp(-1 / (2 * 0.9 ** 2)), rel=1e-5)
    np.testing.assert_allclose(lab18[0].numpy(), reference_label((160, 96), 18, 0.9), rtol=1e-5, atol=1e-7)

    box72 = torch.tensor([[90.0, 190.0, 20.0, 20.0]])  # centre (100, 200): cell (x 25, y 50) at stride 4
    lab72 = prutils.gaussian_label_function(box72, 1 / 40, 4, 72, 288)
    assert lab72.shape == (1, 73, 73)
    assert lab72[0, 50, 25] == pytest.approx(1.0)
    assert lab72[0, 51, 25] == pytest.approx(math.exp(-1 / (2 * 1.8 ** 2)), rel=1e-5)
    np.testing.assert_allclose(lab72[0].numpy(), reference_label((100, 200), 72, 1.8), rtol=1e-5, atol=1e-7)


def test_regression_targets_hand_example_and_round_trip():
    w2h2, ind = prutils.ltrb_regression_targets(torch.tensor([[100.0, 200.0, 40.0, 20.0]]), 4, 72)
    assert torch.allclose(w2h2, torch.tensor([[5.0, 5.0, 2.5, 2.5]]))
    assert ind.tolist() == [52 * 72 + 30]  # int(210 / 4) * 72 + int(120 / 4)
    boxes = torch.tensor([[3.3, 17.9, 50.2, 11.1], [0.0, 0.0, 287.0, 287.0], [250.5, 270.25, 30.0, 16.75]])
    w2h2, ind = prutils.ltrb_regression_targets(boxes, 4, 72)
    cx, cy = boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3] / 2
    rebuilt = torch.stack([cx - 4 * w2h2[:, 0], cy - 4 * w2h2[:, 2], 4 * (w2h2[:, 0] + w2h2[:, 1]),
                           4 * (w2h2[:, 2] + w2h2[:, 3])], dim=1)
    assert torch.allclose(rebuilt, boxes, atol=1e-4)
    assert torch.equal(ind, (cy / 4).long() * 72 + (cx / 4).long())
    assert (ind < 72 * 72).all()


# ------------------------------------------------------------------------------------------ full processing
def make_processing(output_sz=288, **kw):
    return AnchorFreeProcessing(search_area_factor=5.0, output_sz=output_sz,
                                center_jitter_factor={'train': 3, 'test': 4.5},
                                scale_jitter_factor={'train': 0.25, 'test': 0.5}, mode='sequence',
                                transform=tfm.Transform(tfm.ToTensorAndJitter(0.2), tfm.Normalize(MEAN, STD)),
                                joint_transform=tfm.Transform(tfm.ToGrayscale(0.05)), **kw)


def six_frames():
    rng = np.random.default_rng(3)
    frames = [rng.integers(0, 256, (120, 160, 3), dtype=np.uint8) for _ in range(6)]
    boxes = [[40 + i, 30, 30 + i, 20] for i in range(6)]
    return frames, boxes


@pytest.mark.parametrize('output_sz, f18, f72', [(288, 18, 72), (144, 9, 36)])
def test_processing_outputs_and_consistency(output_sz, f18, f72):
    frames, boxes = six_frames()
    out = make_processing(output_sz)(sample(frames, boxes, n_train=3), rng=np.random.default_rng(5))
    assert out['train_images'].shape == (3, 3, output_sz, output_sz) and out['train_images'].dtype == torch.float32
    assert out['test_images'].shape == (3, 3, output_sz, output_sz)
    assert out['train_anno'].shape == (3, 4) and out['test_anno'].shape == (3, 4)
    assert out['test_label'].shape == (3, f18 + 1, f18 + 1)
    assert out['test_label_72'].shape == (3, f72 + 1, f72 + 1)
    assert out['w2h2_72'].shape == (3, 4) and out['ind_72'].shape == (3,) and out['ind_72'].dtype == torch.int64
    assert out['dataset'] == 'x'
    anno = out['test_anno']
    assert (anno[:, :2] >= 0).all() and (anno[:, :2] + anno[:, 2:] <= output_sz - 1 + 1e-4).all()
    centre = anno[:, :2] + anno[:, 2:] / 2
    for i in range(3):
        # label peaks at the target centre: cell = centre / stride (rows are y)
        peak = divmod(out['test_label'][i].argmax().item(), f18 + 1)
        assert abs(peak[0] - centre[i, 1].item() / 16) <= 0.5 + 1e-4
        assert abs(peak[1] - centre[i, 0].item() / 16) <= 0.5 + 1e-4
        expected = reference_label(centre[i].tolist(), f72, f72 / 40, output_sz)
        np.testing.assert_allclose(out['test_label_72'][i].numpy(), expected, rtol=1e-4, atol=1e-6)
    w2h2, ind = prutils.ltrb_regression_targets(anno, 4, f72)
    assert torch.equal(out['w2h2_72'], w2h2) and torch.equal(out['ind_72'], ind)
    assert (out['ind_72'] < f72 * f72).all()
    # Normalized images: brightness-jittered [0, 1] pixels minus ImageNet mean over std.
    lo = (0 - torch.tensor(MEAN)) / torch.tensor(STD)
    hi = (1 - torch.tensor(MEAN)) / torch.tensor(STD)
    per_channel = out['test_images'].transpose(0, 1).reshape(3, -1)
    assert (per_channel.min(dim=1).values >= lo - 1e-5).all() and (per_channel.max(dim=1).values <= hi + 1e-5).all()


def test_processing_is_deterministic_for_a_generator():
    frames, boxes = six_frames()
    a = make_processing()(sample(frames, boxes, 3), rng=np.random.default_rng(9))
    b = make_processing()(sample(frames, boxes, 3), rng=np.random.default_rng(9))
    c = make_processing()(sample(frames, boxes, 3), rng=np.random.default_rng(10))
    assert all(torch.equal(a[k], b[k]) for k in a if torch.is_tensor(a[k]))
    assert not torch.equal(a['test_anno'], c['test_anno'])


def test_label_sizes_derive_from_output_size_and_strides():
    with pytest.raises(ValueError, match='not a multiple of the stride 16'):
        make_processing(output_sz=100)
    with pytest.raises(ValueError, match='feature_sz'):
        make_processing(label_function_params={'sigma_factor': 0.05, 'kernel_sz': 4, 'feature_sz': 18},
                        output_sz=144)
    proc = make_processing(output_sz=144)
    assert proc.clf_feature_sz == 9 and proc.reg_feature_sz == 36
    assert proc.label_72_function_params['sigma_factor'] == pytest.approx(1 / 40)


def test_pair_mode_returns_unstacked_tensors():
    frames, boxes = six_frames()
    proc = AnchorFreeProcessing(5.0, 288, mode='pair', **ZERO_JITTER)
    out = proc(sample(frames[:2], boxes[:2], 1), rng=np.random.default_rng(0))
    assert out['train_images'].shape == (3, 288, 288) and out['test_label'].shape == (19, 19)
    assert out['ind_72'].dim() == 0


# ------------------------------------------------------------------------------------------------ transforms
def test_brightness_jitter_per_image_range_and_clamp():
    im = np.full((4, 4, 3), 200, np.uint8)
    t = tfm.Transform(tfm.ToTensorAndJitter(0.2))
    outs = t(image=[im] * 200, joint=False, rng=np.random.default_rng(0))
    factors = torch.tensor([o[0, 0, 0].item() * 255 / 200 for o in outs])
    assert factors.min() >= 0.8 - 1e-4 and factors.max() <= 1.2 + 1e-4
    assert factors.std() > 0.05  # one draw per image
    bright = tfm.Transform(tfm.ToTensorAndJitter(0.2))(image=np.full((2, 2, 3), 255, np.uint8),
                                                       rng=np.random.default_rng(3))
    assert bright.max() <= 1.0


def test_normalize_and_to_tensor():
    im = np.zeros((2, 3, 3), np.uint8)
    im[..., 1] = 255
    out = tfm.Transform(tfm.ToTensor(), tfm.Normalize(MEAN, STD))(image=im)
    assert out.shape == (3, 2, 3)
    assert torch.allclose(out[:, 0, 0], torch.tensor([-MEAN[0] / STD[0], (1 - MEAN[1]) / STD[1], -MEAN[2] / STD[2]]))


def test_grayscale_joint_decision_shared_by_train_and_test():
    colour = np.zeros((3, 3, 3), np.uint8)
    colour[..., 0] = 255
    gray = tfm.Transform(tfm.ToGrayscale(0.5))
    outcomes = set()
    for seed in range(40):
        rng = np.random.default_rng(seed)
        train = gray(image=[colour, colour], rng=rng)
        test = gray(image=[colour], new_roll=False, rng=rng)
        is_gray = [bool((im[..., 0] == im[..., 1]).all()) for im in train + test]
        assert len(set(is_gray)) == 1
        outcomes.add(is_gray[0])
    assert outcomes == {True, False}
    always = tfm.Transform(tfm.ToGrayscale(1.0))(image=colour)
    assert (always[..., 0] == 76).all() and (always[..., 1] == 76).all()  # cv2 RGB2GRAY of pure red


def test_horizontal_flip_moves_box():
    im = box_image(10, 20, (2, 3, 5, 4))
    out_im, out_box = tfm.Transform(tfm.RandomHorizontalFlip(1.0))(image=im, bbox=torch.tensor([2.0, 3.0, 5.0, 4.0]))
    assert torch.equal(out_box, torch.tensor([13.0, 3.0, 5.0, 4.0]))
    assert (out_im[3:7, 13:18] == 255).all() and out_im.sum() == im.sum()


def test_transform_rejects_unknown_inputs():
    with pytest.raises(ValueError, match="unknown input 'images'"):
        tfm.Transform(tfm.ToTensor())(images=np.zeros((2, 2, 3), np.uint8))


# ---------------------------------------------------------------------------------------------------- loader
def test_collate_stacks_on_dim_1():
    samples = [TensorDict({'train_images': torch.full((3, 3, 8, 8), float(i)), 'train_anno': torch.zeros(3, 4),
                           'ind_72': torch.tensor([1, 2, 3]) + i, 'dataset': 'got10k', 'test_class': None,
                           'n': i, 'frames': [torch.zeros(2), torch.ones(2)]}) for i in range(4)]
    batch = ltr_collate(samples, stack_dim=1)
    assert isinstance(batch, TensorDict)
    assert batch['train_images'].shape == (3, 4, 3, 8, 8)
    assert torch.equal(batch['train_images'][0, :, 0, 0, 0], torch.arange(4.0))
    assert batch['train_anno'].shape == (3, 4, 4)
    assert batch['ind_72'].shape == (3, 4) and batch['ind_72'][0].tolist() == [1, 2, 3, 4]
    assert batch['dataset'] == ['got10k'] * 4 and batch['test_class'] == [None] * 4
    assert batch['n'].tolist() == [0, 1, 2, 3]
    assert batch['frames'][1].shape == (2, 4)
    assert ltr_collate(samples, stack_dim=0)['train_images'].shape == (4, 3, 3, 8, 8)


def test_ltr_loader_attributes_and_workers():
    data = [TensorDict({'x': torch.full((3, 2), float(i)), 'r': np.random.rand(1)}) for i in range(6)]

    class Items(torch.utils.data.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return TensorDict({'x': data[i]['x'], 'r': torch.tensor(np.random.rand())})

    loader = LTRLoader('train', Items(), training=True, batch_size=3, stack_dim=1, num_workers=2,
                       epoch_interval=5, drop_last=True)
    assert loader.name == 'train' and loader.training and loader.epoch_interval == 5 and loader.stack_dim == 1
    assert loader.pin_memory == torch.cuda.is_available()
    batches = list(loader)
    assert len(batches) == 2 and batches[0]['x'].shape == (3, 3, 2)
    # Each worker's NumPy global generator has its own seed: the two workers do not produce the same numbers.
    assert not torch.equal(batches[0]['r'], batches[1]['r'])
