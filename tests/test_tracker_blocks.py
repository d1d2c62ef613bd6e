"""Patch sampling (spec §4.2) and initial augmentation (spec §4.1 step 3)."""
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from pytracking.features import augmentation as aug
from pytracking.features.preprocessing import (numpy_to_torch, sample_patch, sample_patch_multiscale,
                                               sample_patch_transformed, torch_to_numpy)
from pytracking.tracker.fcot.localization import get_training_box
from pytracking.tracker.fcot.state import sample_geometry


def ramp_image(h, w, channels=3):
    """Pixel (c, r, x) = 100000 c + 1000 r + x: every pixel identifies its location (exact in float32)."""
    r = torch.arange(h, dtype=torch.float32).view(1, h, 1)
    x = torch.arange(w, dtype=torch.float32).view(1, 1, w)
    c = torch.arange(channels, dtype=torch.float32).view(channels, 1, 1)
    return (100000 * c + 1000 * r + x).unsqueeze(0)


def padded_reference(im, top, left, height, width):
    """Independent replicate crop: pad the whole image with F.pad (replicate) and slice."""
    pad = max(0, -top, -left, top + height - im.shape[-2], left + width - im.shape[-1])
    big = F.pad(im, (pad, pad, pad, pad), mode='replicate')
    return big[..., top + pad:top + pad + height, left + pad:left + pad + width]


# --------------------------------------------------------------------------------------- conversions
def test_numpy_torch_roundtrip():
    a = np.random.default_rng(0).integers(0, 255, size=(5, 7, 3)).astype(np.uint8)
    t = numpy_to_torch(a)
    assert t.shape == (1, 3, 5, 7) and t.dtype == torch.float32
    assert t[0, 2, 4, 6].item() == a[4, 6, 2]
    assert np.array_equal(torch_to_numpy(t), a.astype(np.float32))


# ------------------------------------------------------------------------------------------ sample_patch
def test_sample_patch_plain_crop_odd_and_even_sizes():
    im = ramp_image(120, 150)
    patch, coord = sample_patch(im, torch.tensor([50.7, 60.2]), torch.tensor([21., 31.]))
    # posl = (50, 60); tl = posl - (szl-1)//2 = (40, 45); br = posl + szl//2 + 1 = (61, 76)
    assert coord.tolist() == [[40, 45, 61, 76]] and coord.dtype == torch.int64
    assert torch.equal(patch, im[..., 40:61, 45:76])
    patch, coord = sample_patch(im, torch.tensor([50., 60.]), torch.tensor([20., 30.]))
    # even: tl = 50 - 9 = 41, br = 50 + 10 + 1 = 61
    assert coord.tolist() == [[41, 46, 61, 76]]
    assert torch.equal(patch, im[..., 41:61, 46:76])


def test_sample_patch_same_output_size_is_plain_crop():
    im = ramp_image(100, 100)
    patch, coord = sample_patch(im, torch.tensor([40.2, 55.9]), torch.tensor([30., 30.]), torch.tensor([30., 30.]))
    assert coord.tolist() == [[26, 41, 56, 71]]
    assert torch.equal(patch, im[..., 26:56, 41:71])


def test_sample_patch_minimum_size_two():
    im = ramp_image(20, 20)
    patch, coord = sample_patch(im, torch.tensor([5., 5.]), torch.tensor([0.4, 0.4]))
    assert patch.shape[-2:] == (2, 2) and coord.tolist() == [[5, 5, 7, 7]]


def test_sample_patch_replicate_padding_at_borders():
    im = ramp_image(40, 50)
    patch, coord = sample_patch(im, torch.tensor([2.4, 47.6]), torch.tensor([11., 13.]))
    # posl = (2, 47): tl = (2-5, 47-6) = (-3, 41), br = (2+5+1, 47+6+1) = (8, 54) -> 4 cols beyond W=50
    assert coord.tolist() == [[-3, 41, 8, 54]]
    assert torch.equal(patch, padded_reference(im, -3, 41, 11, 13))
    assert torch.equal(patch[..., 0, :], patch[..., 3, :])          # rows -3..0 all equal row 0
    assert torch.equal(patch[..., :, -1], patch[..., :, 8])          # cols 50..53 replicate col 49


def test_sample_patch_negative_position_truncates_toward_zero():
    im = ramp_image(30, 30)
    patch, coord = sample_patch(im, torch.tensor([-5.5, -2.7]), torch.tensor([5., 5.]))
    # trunc: posl = (-5, -2) (floor would give (-6, -3)); tl = posl - 2, br = posl + 3
    assert coord.tolist() == [[-7, -4, -2, 1]]
    assert torch.equal(patch, padded_reference(im, -7, -4, 5, 5))
    # entirely outside the image: every pixel replicates the corner / border
    patch, coord = sample_patch(im, torch.tensor([-40., 70.]), torch.tensor([4., 4.]))
    assert coord.tolist() == [[-41, 69, -37, 73]]
    assert torch.all(patch[0, 0] == im[0, 0, 0, 29])


def test_sample_patch_decimation_df2():
    im = ramp_image(200, 300)
    pos = torch.tensor([101.3, 150.9])
    patch, coord = sample_patch(im, pos, torch.tensor([60., 90.]), torch.tensor([20., 30.]))
    # resize factor 3 -> df = int(3 - 0.1) = 2; offset = posl % 2 = (1, 0); posl = (50, 75)
    # szl = (30, 45): tl = (50-14, 75-22) = (36, 53), br = (50+16, 75+23) = (66, 98)
    assert coord.tolist() == [[72, 106, 132, 196]]  # df * (tl, br), decimation offset NOT added
    dec = im[..., 1::2, 0::2]
    crop = dec[..., 36:66, 53:98]
    assert crop[0, 0, 0, 0].item() == 1000 * (1 + 2 * 36) + 2 * 53  # original row 73, col 106
    ref = F.interpolate(crop, size=(20, 30), mode='bilinear', align_corners=False)
    assert torch.allclose(patch, ref)
    # bilinear align_corners=False on a linear ramp, 1.5x reduction: out (i, j) samples crop (1.5i + 0.25, 1.5j + 0.25)
    i, j = 7, 11
    want = 1000 * (1 + 2 * (36 + 1.5 * i + 0.25)) + 2 * (53 + 1.5 * j + 0.25)
    assert abs(patch[0, 0, i, j].item() - want) < 1e-2
    sample_pos, sample_scale = sample_geometry(coord, img_sample_sz=torch.tensor([20., 30.]))
    assert sample_pos.tolist() == [101.5, 150.5]
    assert abs(sample_scale.item() - math.sqrt((60 / 20) * (90 / 30))) < 1e-6


def test_sample_patch_decimation_negative_position_and_border():
    im = ramp_image(200, 300)
    patch, coord = sample_patch(im, torch.tensor([-3.2, 10.0]), torch.tensor([60., 90.]), torch.tensor([20., 30.]))
    # posl = (-3, 10); offset = (-3 mod 2, 10 mod 2) = (1, 0) (non-negative remainder); posl = (-2, 5)
    # tl = (-2-14, 5-22) = (-16, -17), br = (-2+16, 5+23) = (14, 28)
    assert coord.tolist() == [[-32, -34, 28, 56]]
    dec = im[..., 1::2, 0::2]
    crop = padded_reference(dec, -16, -17, 30, 45)
    assert torch.allclose(patch, F.interpolate(crop, size=(20, 30), mode='bilinear', align_corners=False))
    assert patch[0, 0, 0, 0].item() == 1000 * 1 + 0  # top-left replicates decimated pixel (0, 0) = orig (1, 0)


def test_sample_patch_df_rule():
    im = ramp_image(400, 400)
    # resize factor 1.05 -> int(0.95) = 0 -> df = 1; factor 2.05 -> int(1.95) = 1; factor 2.2 -> 2
    _, c = sample_patch(im, torch.tensor([200., 200.]), torch.tensor([105., 105.]), torch.tensor([100., 100.]))
    assert (c[0, 2] - c[0, 0]).item() == 105
    _, c = sample_patch(im, torch.tensor([200., 200.]), torch.tensor([205., 205.]), torch.tensor([100., 100.]))
    assert (c[0, 2] - c[0, 0]).item() == 205
    _, c = sample_patch(im, torch.tensor([200., 200.]), torch.tensor([220., 300.]), torch.tensor([100., 100.]))
    # min ratio 2.2 -> df 2 ; szl = (110, 150) -> coord size = df * szl
    assert (c[0, 2:] - c[0, :2]).tolist() == [220, 300]


def test_sample_patch_point_maps_to_training_box():
    """A single bright pixel lands where get_training_box puts a 1x1 target (scale 1, no resize)."""
    im = torch.zeros(1, 1, 300, 400)
    r0, c0 = 123, 250
    im[0, 0, r0, c0] = 1
    pos = torch.tensor([120.6, 247.2])
    patch, coord = sample_patch(im, pos, torch.tensor([288., 288.]), torch.tensor([288., 288.]))
    sample_pos, sample_scale = sample_geometry(coord)
    box = get_training_box(torch.tensor([float(r0), float(c0)]), torch.tensor([1., 1.]), sample_pos, sample_scale)
    rr, cc = divmod(int(patch.flatten().argmax()), 288)
    assert (box[1].item(), box[0].item()) == (rr, cc)
    assert box[2:].tolist() == [1., 1.]


def test_sample_patch_rectangle_roundtrip_with_resize():
    """A target rectangle maps to its training box in an upsampled (scale 0.5) crop, within a pixel."""
    im = torch.zeros(1, 1, 300, 400)
    im[0, 0, 100:140, 200:260] = 1                     # rows 100..139, cols 200..259
    pos = torch.tensor([119.5, 229.5])                  # (y + (h-1)/2, x + (w-1)/2)
    target_sz = torch.tensor([40., 60.])
    patch, coord = sample_patch(im, pos, torch.tensor([144., 144.]), torch.tensor([288., 288.]))
    sample_pos, sample_scale = sample_geometry(coord)
    assert abs(sample_scale.item() - 0.5) < 1e-7
    x, y, w, h = get_training_box(pos, target_sz, sample_pos, sample_scale).tolist()
    assert (w, h) == (120., 80.)
    mask = patch[0, 0] > 0.5
    rows = torch.nonzero(mask.any(1)).flatten()
    cols = torch.nonzero(mask.any(0)).flatten()
    assert abs(rows[0].item() - y) <= 1 and abs(rows[-1].item() - (y + h - 1)) <= 1
    assert abs(cols[0].item() - x) <= 1 and abs(cols[-1].item() - (x + w - 1)) <= 1


def test_sample_patch_inside_mode_stays_inside():
    im = ramp_image(100, 120)
    patch, coord = sample_patch(im, torch.tensor([5., 110.]), torch.tensor([40., 40.]), torch.tensor([40., 40.]),
                                mode='inside')
    y0, x0, y1, x1 = coord[0].tolist()
    assert (y0, x0, y1, x1) == (0, 80, 40, 120)
    assert torch.equal(patch, im[..., 0:40, 80:120])
    # larger than the image (shrink clamped by max_scale_change=1): centred, equal overflow both sides
    _, coord = sample_patch(im, torch.tensor([50., 60.]), torch.tensor([110., 110.]), torch.tensor([110., 110.]),
                            mode='inside', max_scale_change=1)
    assert coord[0].tolist() == [-5, 6, 105, 116]   # cols fit: unchanged
    with pytest.raises(ValueError, match='unknown mode'):
        sample_patch(im, torch.tensor([5., 5.]), torch.tensor([4., 4.]), mode='zeros')


def test_sample_patch_multiscale_and_transformed_identity():
    im = ramp_image(700, 800)
    pos = torch.tensor([350., 420.])
    patches, coords = sample_patch_multiscale(im, pos, [1.0], torch.tensor([288., 288.]))
    assert patches.shape == (1, 3, 288, 288) and coords.shape == (1, 4)
    ref, ref_c = sample_patch(im, pos, torch.tensor([288., 288.]), torch.tensor([288., 288.]))
    assert torch.equal(patches, ref) and torch.equal(coords, ref_c)
    # at scale 1 the identity crop of the 576 patch equals the direct 288 sample
    out = sample_patch_transformed(im, pos, 1.0, torch.tensor([576., 576.]), [aug.Identity((288, 288))])
    assert out.shape == (1, 3, 288, 288) and torch.equal(out, ref)
    two = sample_patch_multiscale(im, pos, [1.0, 2.0], 288)[0]
    assert two.shape == (2, 3, 288, 288)


# ------------------------------------------------------------------------------------------ transforms
def big_patch(size=576, channels=3):
    return ramp_image(size, size, channels)


def test_identity_and_translation_crop():
    p = big_patch()
    assert torch.equal(aug.Identity((288, 288))(p), p[..., 144:432, 144:432])
    t = aug.Translation((86, -86), (288, 288))
    assert t.shift == (86, -86)
    # content moves by +shift: output (r, c) reads input (r + 144 - 86, c + 144 + 86)
    assert torch.equal(t(p), p[..., 58:346, 230:518])
    t2 = aug.Translation((10, 5), (288, 288), shift=(1, 2))
    assert t2.shift == (11, 7)
    # shifts larger than the margin replicate the border
    far = aug.Identity((288, 288), shift=(200, -170))
    assert torch.equal(far(p), padded_reference(p, -56, 314, 288, 288))
    assert aug.Identity(None)(p).shape == p.shape


def test_flip_horizontal():
    p = big_patch()
    out = aug.FlipHorizontal((288, 288))(p)
    ref = torch.from_numpy(np.ascontiguousarray(p.numpy()[..., ::-1]))[..., 144:432, 144:432]
    assert torch.equal(out, ref)
    shifted = aug.FlipHorizontal((288, 288), shift=(3, -4))(p)
    assert torch.equal(shifted, p.flip(3)[..., 141:429, 148:436])
    assert torch.equal(aug.FlipVertical(None)(p), p.flip(2))


def test_rotate_90_matches_rot90():
    rng = np.random.default_rng(1)
    img = rng.uniform(0, 255, size=(1, 3, 64, 64)).astype(np.float32)
    t = torch.from_numpy(img)
    ref_ccw = np.rot90(img, k=1, axes=(2, 3))
    assert np.allclose(aug.Rotate(90)(t).numpy(), ref_ccw, atol=1e-3)
    ref_cw = np.rot90(img, k=-1, axes=(2, 3))
    assert np.allclose(aug.Rotate(-90)(t).numpy(), ref_cw, atol=1e-3)
    # with a crop: centre 32x32 of the rotated image
    out = aug.Rotate(90, (32, 32))(t)
    assert np.allclose(out.numpy(), ref_ccw[..., 16:48, 16:48], atol=1e-3)
    assert torch.allclose(aug.Rotate(0)(t), t)


def test_rotate_replicates_border():
    const = torch.full((1, 1, 41, 41), 7.)
    assert torch.allclose(aug.Rotate(45)(const), const)   # zero borders would darken the corners
    t = torch.arange(41.).view(1, 1, 1, 41).expand(1, 1, 41, 41).contiguous()  # x ramp
    out = aug.Rotate(45)(t)
    assert out.min().item() >= 0 and out.max().item() <= 40
    assert abs(out[0, 0, 20, 20].item() - 20) < 1e-4      # centre is fixed
    assert out[0, 0, 0, 0].item() > 0                     # corner comes from the replicated border


def _blur_reference(img, sigma_r, sigma_c):
    """Independent separable Gaussian with zero padding via np.convolve('same')."""
    def kern(s):
        k = math.ceil(2 * s)
        x = np.arange(-k, k + 1, dtype=np.float64)
        g = np.exp(-x ** 2 / (2 * s ** 2))
        return g / g.sum()
    kr, kc = kern(sigma_r), kern(sigma_c)
    out = np.apply_along_axis(lambda v: np.convolve(v, kr, mode='same'), 2, img.astype(np.float64))
    out = np.apply_along_axis(lambda v: np.convolve(v, kc, mode='same'), 3, out)
    return out


@pytest.mark.parametrize('sigma', [(2, 0.2), (0.2, 2), (3, 1), (1, 3), (2, 2)])
def test_blur_matches_independent_convolution(sigma):
    rng = np.random.default_rng(2)
    img = rng.uniform(0, 255, size=(1, 3, 30, 34)).astype(np.float32)
    b = aug.Blur(sigma)
    assert b.filter_size == [math.ceil(2 * s) for s in sigma]
    out = b(torch.from_numpy(img)).numpy()
    assert np.allclose(out, _blur_reference(img, *sigma), atol=2e-3)


def test_blur_zero_padding_and_crop():
    p = torch.full((1, 1, 40, 40), 100.)
    out = aug.Blur((2, 2))(p)
    assert out[0, 0, 20, 20].item() == pytest.approx(100, abs=1e-3)   # interior: normalized kernel
    assert out[0, 0, 0, 0].item() < 60                                  # corner: zero padding darkens
    cropped = aug.Blur((2, 2), (20, 20), shift=(1, -1))(p)
    assert torch.equal(cropped, aug.Blur((2, 2))(p)[..., 9:29, 11:31])
    assert aug.Blur(3).sigma == (3, 3)


# --------------------------------------------------------------------------------------- init list
FCOT_AUG = {'fliplr': True,
            'rotate': [5, -5, 10, -10, 20, -20, 30, -30, 45, -45, -60, 60],
            'blur': [(2, 0.2), (0.2, 2), (3, 1), (1, 3), (2, 2)],
            'relativeshift': [(0.6, 0.6), (-0.6, 0.6), (0.6, -0.6), (-0.6, -0.6)],
            'dropout': (0, 0.0)}


def fcot_params(**kw):
    p = SimpleNamespace(augmentation=dict(FCOT_AUG), use_augmentation=True, augmentation_expansion_factor=2,
                        random_shift_factor=1 / 3)
    for k, v in kw.items():
        setattr(p, k, v)
    return p


def test_expansion_size():
    assert aug.augmentation_expansion_size(288, 2) == (576, 576)
    assert aug.augmentation_expansion_size((287, 288), 2) == (575, 576)   # odd margin bumped by one
    assert aug.augmentation_expansion_size(288, None) == (288, 288)


def test_fcot_init_transform_list_order_and_shifts():
    g = torch.Generator().manual_seed(123)
    ts = aug.build_init_transforms(fcot_params(), 288, 2, g)
    assert len(ts) == 23
    kinds = [type(t).__name__ for t in ts]
    assert kinds == ['Identity'] + ['Translation'] * 4 + ['FlipHorizontal'] + ['Blur'] * 5 + ['Rotate'] * 12
    assert ts[0].shift == (0, 0)
    assert [t.shift for t in ts[1:5]] == [(86, 86), (-86, 86), (86, -86), (-86, -86)]
    assert [t.sigma for t in ts[6:11]] == [(2, 0.2), (0.2, 2), (3, 1), (1, 3), (2, 2)]
    assert [t.angle_deg for t in ts[11:]] == FCOT_AUG['rotate']
    assert all(t.output_sz == (288, 288) for t in ts)
    # random shifts: one (row, col) draw per flip/blur/rotate, in list order
    g2 = torch.Generator().manual_seed(123)
    expected = []
    for _ in range(18):
        u = torch.rand(2, generator=g2).tolist()
        expected.append(tuple(int((v - 0.5) * 288 / 3) for v in u))
    assert [t.shift for t in ts[5:]] == expected
    assert all(abs(s) <= 48 for t in ts[5:] for s in t.shift)
    assert len(set(t.shift for t in ts[5:])) > 10


def test_init_transforms_reproducible_and_numpy_rng():
    a = aug.build_init_transforms(fcot_params(), 288, 2, torch.Generator().manual_seed(5))
    b = aug.build_init_transforms(fcot_params(), 288, 2, torch.Generator().manual_seed(5))
    c = aug.build_init_transforms(fcot_params(), 288, 2, torch.Generator().manual_seed(6))
    assert [t.shift for t in a] == [t.shift for t in b] != [t.shift for t in c]
    n1 = aug.build_init_transforms(fcot_params(), 288, 2, np.random.default_rng(7))
    n2 = aug.build_init_transforms(fcot_params(), 288, 2, np.random.default_rng(7))
    assert [t.shift for t in n1] == [t.shift for t in n2] and len(n1) == 23
    with pytest.raises(TypeError, match='rng'):
        aug.build_init_transforms(fcot_params(), 288, 2, rng=42)


def test_init_transforms_options():
    only_id = aug.build_init_transforms(fcot_params(use_augmentation=False), 288, 2, None)
    assert len(only_id) == 1 and only_id[0].shift == (0, 0)
    no_shift = aug.build_init_transforms(fcot_params(random_shift_factor=0), 288, 2, None)
    assert all(t.shift == (0, 0) for t in no_shift[5:])
    no_exp = aug.build_init_transforms(fcot_params(), 288, 1, None)
    assert no_exp[0].output_sz is None
    from_params = aug.build_init_transforms(fcot_params(), 288, None, torch.Generator().manual_seed(0))
    assert from_params[0].output_sz == (288, 288)
    with pytest.raises(ValueError, match='unsupported augmentation'):
        aug.build_init_transforms(fcot_params(augmentation={'scale': [1.1]}), 288, 2, None)
    with pytest.raises(NotImplementedError, match='dropout'):
        aug.build_init_transforms(fcot_params(augmentation={'dropout': (2, 0.2)}), 288, 2, None)


def test_transform_boxes_and_applying_all():
    ts = aug.build_init_transforms(fcot_params(), 288, 2, torch.Generator().manual_seed(0))
    base = torch.tensor([120.5, 100.25, 40., 60.])
    boxes = aug.transform_boxes(base, ts)
    assert boxes.shape == (23, 4)
    for t, b in zip(ts, boxes):
        assert b.tolist() == [120.5 + t.shift[1], 100.25 + t.shift[0], 40., 60.]
    im = ramp_image(600, 700)
    out = sample_patch_transformed(im, torch.tensor([300., 350.]), 1.0, 576, ts)
    assert out.shape == (23, 3, 288, 288)
    # translation sample: content shifted by (86, 86) relative to identity
    assert torch.equal(out[1, :, 86:, 86:], out[0, :, :-86, :-86])


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_cuda_sampling_and_transforms_match_cpu():
    im = ramp_image(300, 400)
    for args in [([150.3, 200.7], [288., 288.], [288., 288.]), ([-3.2, 10.], [60., 90.], [20., 30.])]:
        p_cpu, c_cpu = sample_patch(im, torch.tensor(args[0]), torch.tensor(args[1]), torch.tensor(args[2]))
        p_gpu, c_gpu = sample_patch(im.cuda(), torch.tensor(args[0]), torch.tensor(args[1]), torch.tensor(args[2]))
        assert p_gpu.is_cuda and torch.equal(c_cpu, c_gpu)
        assert torch.allclose(p_gpu.cpu(), p_cpu, rtol=1e-5, atol=1e-2)
    p = big_patch()
    for t in (aug.Blur((2, 0.2), (288, 288)), aug.Rotate(30, (288, 288), (3, -2)), aug.FlipHorizontal((288, 288))):
        out = t(p.cuda())
        assert out.is_cuda and torch.allclose(out.cpu(), t(p), rtol=1e-5, atol=1e-2)


def test_sample_patch_of_a_uint8_frame_equals_that_of_its_float_copy():
    """The tracker crops the uint8 frame (``numpy_to_torch(..., keep_dtype=True)``): resized or not, inside the image
    or padded at its border, the float32 patch equals the one cropped from the float32 frame bit for bit."""
    frame = np.random.default_rng(3).integers(0, 256, (60, 80, 3), dtype=np.uint8)
    as_u8, as_f32 = numpy_to_torch(frame, keep_dtype=True), numpy_to_torch(frame)
    assert as_u8.dtype == torch.uint8 and as_f32.dtype == torch.float32
    for pos, sz, out in (([30., 40.], [24., 24.], [24., 24.]),     # not resized
                         ([30., 40.], [50., 50.], [24., 24.]),     # resized (decimated)
                         ([2., 77.], [31., 31.], [16., 16.])):    # padded at the border
        a, ca = sample_patch(as_u8, torch.tensor(pos), torch.tensor(sz), torch.tensor(out))
        b, cb = sample_patch(as_f32, torch.tensor(pos), torch.tensor(sz), torch.tensor(out))
        assert a.dtype == torch.float32 and a.shape == b.shape == (1, 3, int(out[0]), int(out[1]))
        assert torch.equal(a, b) and torch.equal(ca, cb)


# ------------------------------------------------------------------------- resampling option (not official)
def test_sample_patch_bilinear_resampling_skips_the_decimation():
    """'bilinear' = the full-resolution crop of the same geometry (df = 1), resized bilinearly."""
    im = ramp_image(200, 300)
    pos = torch.tensor([101.3, 150.9])
    patch, coord = sample_patch(im, pos, torch.tensor([60., 90.]), torch.tensor([20., 30.]), resampling='bilinear')
    # posl = (101, 150), szl = (60, 90): tl = (101 - 29, 150 - 44) = (72, 106), br = (101 + 31, 150 + 46) = (132, 196)
    assert coord.tolist() == [[72, 106, 132, 196]]
    crop = im[..., 72:132, 106:196]
    assert torch.allclose(patch, F.interpolate(crop, size=(20, 30), mode='bilinear', align_corners=False))
    # the official crop of the same request decimates by 2 first: different pixels, the same coordinates
    official, official_coord = sample_patch(im, pos, torch.tensor([60., 90.]), torch.tensor([20., 30.]))
    assert official_coord.tolist() == coord.tolist()
    assert not torch.allclose(official, patch)


def test_sample_patch_bilinear_resampling_equals_official_without_decimation():
    """Below a resize factor of 2.1 the official rule does not decimate: 'bilinear' is then the official crop."""
    im = ramp_image(120, 160)
    args = (im, torch.tensor([60.4, 70.6]), torch.tensor([130., 150.]), torch.tensor([96., 96.]))
    a, ca = sample_patch(*args)
    b, cb = sample_patch(*args, resampling='bilinear')
    assert ca.tolist() == cb.tolist() and torch.equal(a, b)


def test_sample_patch_antialias_resampling_removes_aliasing():
    """A one-pixel checkerboard downscaled 4x: antialiased, every output pixel is near its mean grey; the official
    decimation (df = 3, then bilinear) keeps one phase of the pattern (pure black or white regions)."""
    r = torch.arange(240).view(240, 1)
    c = torch.arange(240).view(1, 240)
    board = (((r + c) % 2) * 255).float().expand(3, 240, 240).unsqueeze(0).contiguous()
    pos, size, out = torch.tensor([120., 120.]), torch.tensor([200., 200.]), torch.tensor([50., 50.])
    anti, _ = sample_patch(board, pos, size, out, resampling='antialias')
    official, _ = sample_patch(board, pos, size, out)
    assert (anti - 127.5).abs().max() < 20
    assert (official - 127.5).abs().max() > 100
    # a constant image stays constant through the filter (its weights sum to one)
    flat, _ = sample_patch(torch.full((1, 3, 100, 100), 77.0), torch.tensor([50., 50.]), torch.tensor([90., 90.]),
                           torch.tensor([30., 30.]), resampling='antialias')
    assert torch.allclose(flat, torch.full_like(flat, 77.0), atol=1e-4)


def test_sample_patch_resampling_reaches_the_transformed_patches():
    im = ramp_image(200, 300)
    ident = [aug.Identity((20, 30))]
    for mode in ('bilinear', 'antialias'):
        got = sample_patch_transformed(im, torch.tensor([101., 150.]), 3.0, torch.tensor([20., 30.]), ident,
                                       resampling=mode)
        want, _ = sample_patch(im, torch.tensor([101., 150.]), torch.tensor([60., 90.]), torch.tensor([20., 30.]),
                               resampling=mode)
        assert torch.allclose(got, want)


def test_sample_patch_rejects_an_unknown_resampling():
    with pytest.raises(ValueError, match=r"unknown resampling 'area'.*'official', 'bilinear', 'antialias'"):
        sample_patch(ramp_image(50, 50), torch.tensor([25., 25.]), torch.tensor([40., 40.]), torch.tensor([20., 20.]),
                     resampling='area')
