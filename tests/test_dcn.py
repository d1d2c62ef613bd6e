"""Tests for the modulated deformable convolution DCN (spec §1.9).

The reference is written independently: explicit bilinear sampling by gather (corners outside the image
count as 0), offsets read with the (y, x) interleave of §1.9, multiplied by the mask, then a matmul with the
weights.
"""

import math

import pytest
import torch
import torch.nn.functional as F

from ltr.models.layers.dcn import DCN


def _bilinear_gather(img, py, px):
    """img (B, C, H, W); py, px (B, Ho, Wo) -> (B, C, Ho, Wo), zero for corners outside the image."""
    B, C, H, W = img.shape
    y0 = torch.floor(py)
    x0 = torch.floor(px)
    fy, fx = py - y0, px - x0
    y0, x0 = y0.long(), x0.long()
    flat = img.reshape(B, C, H * W)
    out = 0
    for yy, wy in ((y0, 1 - fy), (y0 + 1, fy)):
        for xx, wx in ((x0, 1 - fx), (x0 + 1, fx)):
            inside = (yy >= 0) & (yy < H) & (xx >= 0) & (xx < W)
            idx = (yy.clamp(0, H - 1) * W + xx.clamp(0, W - 1)).reshape(B, 1, -1).expand(B, C, -1)
            vals = torch.gather(flat, 2, idx).reshape(B, C, *py.shape[1:])
            out = out + vals * (wy * wx * inside)[:, None]
    return out


def _reference_modulated_deform_conv(x, offset, mask, weight, bias, stride, padding, dilation, groups):
    B, Cin, H, W = x.shape
    Cout, _, kh, kw = weight.shape
    K = kh * kw
    Ho, Wo = offset.shape[2:]
    cg = Cin // groups
    hs = (torch.arange(Ho, dtype=x.dtype) * stride[0] - padding[0])[None, :, None]
    ws = (torch.arange(Wo, dtype=x.dtype) * stride[1] - padding[1])[None, None, :]
    cols = x.new_zeros(B, Cin, K, Ho, Wo)
    for g in range(groups):
        for i in range(kh):
            for j in range(kw):
                k = i * kw + j
                dy = offset[:, g * 2 * K + 2 * k]
                dx = offset[:, g * 2 * K + 2 * k + 1]
                py = hs + i * dilation[0] + dy
                px = ws + j * dilation[1] + dx
                sampled = _bilinear_gather(x[:, g * cg:(g + 1) * cg], py, px)
                cols[:, g * cg:(g + 1) * cg, k] = sampled * mask[:, g * K + k][:, None]
    out = torch.matmul(weight.reshape(Cout, Cin * K), cols.reshape(B, Cin * K, Ho * Wo))
    return out.reshape(B, Cout, Ho, Wo) + bias[None, :, None, None]


def _offset_and_mask(dcn, x):
    """Independent re-derivation of the offset / mask from the module's own predictor parameters."""
    o = F.conv2d(x, dcn.conv_offset_mask.weight, dcn.conv_offset_mask.bias, dcn.stride, dcn.padding)
    n = o.shape[1] // 3
    return torch.cat([o[:, :n], o[:, n:2 * n]], dim=1), torch.sigmoid(o[:, 2 * n:])


def test_state_dict_keys_and_shapes():
    dcn = DCN(128, 64, 3, 1, 1)
    sd = dcn.state_dict()
    assert list(sd.keys()) == ['weight', 'bias', 'conv_offset_mask.weight', 'conv_offset_mask.bias']
    assert sd['weight'].shape == (64, 128, 3, 3)
    assert sd['bias'].shape == (64,)
    assert sd['conv_offset_mask.weight'].shape == (27, 128, 3, 3)
    assert sd['conv_offset_mask.bias'].shape == (27,)
    dcn2 = DCN(8, 4, (3, 5), stride=2, padding=(1, 2), deformable_groups=2)
    assert dcn2.conv_offset_mask.weight.shape == (2 * 3 * 15, 8, 3, 5)
    assert not isinstance(dcn, torch.nn.Conv2d)


def test_state_dict_matches_official_listing():
    from ltr.admin.official_layout import read_official_layout
    prefix = 'classifier_72.feature_extractor.3.'
    official = {k[len(prefix):]: shape for k, shape in read_official_layout() if k.startswith(prefix)}
    official = {k: v for k, v in official.items() if k in ('weight', 'bias') or k.startswith('conv_offset_mask.')}
    assert len(official) == 4
    ours = {k: tuple(v.shape) for k, v in DCN(128, 128, 3, 1, 1).state_dict().items()}
    assert ours == official


def test_initialization():
    torch.manual_seed(0)
    dcn = DCN(64, 32, 3, 1, 1)
    stdv = 1.0 / math.sqrt(64 * 9)
    assert dcn.weight.abs().max() <= stdv
    assert dcn.weight.abs().max() > 0.9 * stdv
    assert abs(dcn.weight.std().item() - stdv / math.sqrt(3)) < 0.05 * stdv
    assert torch.all(dcn.bias == 0)
    assert torch.all(dcn.conv_offset_mask.weight == 0)
    assert torch.all(dcn.conv_offset_mask.bias == 0)


@pytest.mark.parametrize('kernel,stride,padding,dilation', [
    (3, 1, 1, 1), (3, 2, 1, 1), ((3, 5), 1, (2, 1), 1), (1, 1, 0, 1), (1, 2, 0, 3)])
def test_zero_offset_saturated_mask_equals_conv2d(kernel, stride, padding, dilation):
    torch.manual_seed(1)
    dcn = DCN(4, 6, kernel, stride, padding, dilation=dilation).double()
    with torch.no_grad():
        dcn.bias.normal_()
        n = dcn.conv_offset_mask.bias.numel() // 3
        dcn.conv_offset_mask.bias[2 * n:] = 50.0     # sigmoid(50) == 1 in float64 up to 2e-22
    x = torch.randn(2, 4, 9, 10, dtype=torch.float64)
    ref = F.conv2d(x, dcn.weight, dcn.bias, dcn.stride, dcn.padding, dcn.dilation)
    out = dcn(x)
    assert out.shape == ref.shape
    assert torch.allclose(out, ref, atol=1e-12)


def test_fresh_module_is_half_conv():
    torch.manual_seed(2)
    dcn = DCN(3, 5, 3, 1, 1).double()
    x = torch.randn(1, 3, 6, 7, dtype=torch.float64)
    assert torch.allclose(dcn(x), 0.5 * F.conv2d(x, dcn.weight, None, 1, 1), atol=1e-12)


def test_offset_channels_are_y_then_x():
    # dy = +1 on every tap (even offset channels), dx = 0: every tap samples one row further down.
    torch.manual_seed(3)
    dcn = DCN(2, 3, 3, 1, 1).double()
    with torch.no_grad():
        dcn.conv_offset_mask.bias[0:18:2] = 1.0
        dcn.conv_offset_mask.bias[18:] = 50.0
    x = torch.randn(1, 2, 6, 7, dtype=torch.float64)
    # tap (i, j) of output (h, w) reads x[h - 1 + i + 1, w - 1 + j]: a valid conv on x padded (top 0, bottom 2)
    expected = F.conv2d(F.pad(x, (1, 1, 0, 2)), dcn.weight, dcn.bias)
    assert torch.allclose(dcn(x), expected, atol=1e-12)
    # and dx = +1 (odd channels) moves the sampling grid one column right
    with torch.no_grad():
        dcn.conv_offset_mask.bias[0:18] = 0.0
        dcn.conv_offset_mask.bias[1:18:2] = 1.0
    expected = F.conv2d(F.pad(x, (0, 2, 1, 1)), dcn.weight, dcn.bias)
    assert torch.allclose(dcn(x), expected, atol=1e-12)


@pytest.mark.parametrize('cin,cout,kernel,stride,padding,dilation,groups', [
    (4, 5, 3, 1, 1, 1, 1),
    (4, 3, 3, 2, 1, 1, 2),
    (2, 3, (3, 2), 1, (1, 0), 1, 1),
])
def test_random_offsets_match_reference(cin, cout, kernel, stride, padding, dilation, groups):
    torch.manual_seed(4)
    dcn = DCN(cin, cout, kernel, stride, padding, dilation=dilation, deformable_groups=groups).double()
    with torch.no_grad():
        dcn.bias.normal_()
        dcn.conv_offset_mask.weight.normal_(0.0, 0.3)
        dcn.conv_offset_mask.bias.uniform_(-2.5, 2.5)   # fractional offsets, many samples leave the image
    x = torch.randn(2, cin, 7, 8, dtype=torch.float64)
    offset, mask = _offset_and_mask(dcn, x)
    assert offset.abs().max() > 2.0 and (offset - offset.round()).abs().max() > 0.1
    ref = _reference_modulated_deform_conv(x, offset, mask, dcn.weight, dcn.bias, dcn.stride, dcn.padding,
                                           dcn.dilation, groups)
    out = dcn(x)
    assert out.shape == ref.shape
    assert torch.allclose(out, ref, atol=1e-10)
    # float32 agrees too
    assert torch.allclose(dcn.float()(x.float()).double(), ref, atol=1e-4)


def test_gradcheck():
    torch.manual_seed(5)
    dcn = DCN(2, 2, 3, 1, 1).double()
    with torch.no_grad():
        dcn.bias.normal_()
        dcn.conv_offset_mask.weight.normal_(0.0, 0.2)
        dcn.conv_offset_mask.bias.uniform_(-1.3, 1.3)
    x = torch.randn(1, 2, 4, 4, dtype=torch.float64, requires_grad=True)
    # all parameters but conv_offset_mask.weight, whose gradient flows through the same path as its bias
    names = ['weight', 'bias', 'conv_offset_mask.bias']
    params = tuple(dict(dcn.named_parameters())[n].detach().clone().requires_grad_(True) for n in names)

    def fn(inp, *ps):
        return torch.func.functional_call(dcn, dict(zip(names, ps)), (inp,), strict=False)

    assert torch.autograd.gradcheck(fn, (x,) + params)
    # conv_offset_mask.weight receives a gradient
    dcn(x).square().sum().backward()
    assert dcn.conv_offset_mask.weight.grad.abs().sum() > 0


def test_input_validation():
    dcn = DCN(4, 4, 3, 1, 1)
    with pytest.raises(ValueError, match=r'\(B, 4, H, W\)'):
        dcn(torch.randn(1, 3, 5, 5))
    with pytest.raises(ValueError, match='deformable_groups'):
        DCN(4, 4, 3, 1, 1, deformable_groups=3)


@pytest.mark.parametrize('stride,padding,dilation', [(1, 1, 1), (2, 1, 1), (1, 0, 1), (1, 2, 2)])
def test_sampled_implementation_matches_torchvision(stride, padding, dilation):
    """The CPU sampling + GEMM path equals torchvision.ops.deform_conv2d, values and gradients (float64)."""
    import torchvision
    from ltr.models.layers.deform_sampling import deform_conv2d_sampled
    g = torch.Generator().manual_seed(7)
    x = torch.randn(2, 3, 7, 6, generator=g, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(4, 3, 3, 3, generator=g, dtype=torch.float64, requires_grad=True)
    bias = torch.randn(4, generator=g, dtype=torch.float64, requires_grad=True)
    ho = (7 + 2 * padding - dilation * 2 - 1) // stride + 1
    wo = (6 + 2 * padding - dilation * 2 - 1) // stride + 1
    # offsets up to +-3 px: many samples leave the image on some side
    offset = (3 * torch.randn(2, 18, ho, wo, generator=g, dtype=torch.float64)).requires_grad_(True)
    mask = torch.rand(2, 9, ho, wo, generator=g, dtype=torch.float64, requires_grad=True)
    kw = dict(stride=(stride, stride), padding=(padding, padding), dilation=(dilation, dilation))
    ref = torchvision.ops.deform_conv2d(x, offset, weight, bias, mask=mask, **kw)
    out = deform_conv2d_sampled(x, offset, weight, bias, mask=mask, **kw)
    torch.testing.assert_close(out, ref, rtol=1e-9, atol=1e-9)
    go = torch.randn(ref.shape, generator=g, dtype=torch.float64)
    grads_ref = torch.autograd.grad((ref * go).sum(), (x, weight, bias, mask, offset))
    grads = torch.autograd.grad((out * go).sum(), (x, weight, bias, mask, offset))
    for a, b in zip(grads, grads_ref):
        torch.testing.assert_close(a, b, rtol=1e-7, atol=1e-7)


def test_implementation_switch_gives_same_module_output():
    torch.manual_seed(3)
    m = DCN(4, 5, 3, 1, 1)
    with torch.no_grad():
        m.conv_offset_mask.weight.normal_(0, 0.3)
    x = torch.randn(2, 4, 9, 9)
    outs = {}
    for impl in ('torchvision', 'sampled', 'auto'):
        m.implementation = impl
        outs[impl] = m(x)
    torch.testing.assert_close(outs['sampled'], outs['torchvision'], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(outs['auto'], outs['sampled'])
    m.implementation = 'bogus'
    with pytest.raises(ValueError, match='implementation'):
        m(x)
