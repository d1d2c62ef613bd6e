"""TensorList / TensorDict behaviour and the DCF helpers (windows, max2d)."""
import copy
import math
import pickle
import sys

import pytest
import torch

from ltr.libs.tensorlist import TensorList, tensor_operation
from ltr.libs.tensordict import TensorDict
from pytracking.libs import dcf


# ----------------------------------------------------------------------------------------- TensorList
def _tl():
    return TensorList([torch.arange(6.).view(2, 3), torch.tensor([1., 2.])])


def test_package_exports_and_light_import():
    import pytracking
    import pytracking.libs as libs
    assert pytracking.TensorList is TensorList and pytracking.TensorDict is TensorDict
    assert libs.TensorList is TensorList and libs.tensor_operation is tensor_operation
    from pytracking.libs.tensorlist import TensorList as TL2
    assert TL2 is TensorList


def test_import_pytracking_does_not_pull_cv2_or_matplotlib():
    import subprocess
    code = "import sys, pytracking; print('cv2' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                         cwd=str(__import__('pathlib').Path(__file__).resolve().parents[1]))
    assert out.stdout.split() == ['False', 'False']


def test_tensorlist_arithmetic_scalar_and_paired():
    a = _tl()
    b = TensorList([torch.ones(2, 3), torch.tensor([10., 20.])])
    s = a + b
    assert isinstance(s, TensorList)
    assert torch.equal(s[0], torch.arange(6.).view(2, 3) + 1) and torch.equal(s[1], torch.tensor([11., 22.]))
    assert torch.equal((2 * a)[1], torch.tensor([2., 4.]))
    assert torch.equal((a * 2)[1], torch.tensor([2., 4.]))
    assert torch.equal((1 - a)[1], torch.tensor([0., -1.]))
    assert torch.equal((a - 1)[1], torch.tensor([0., 1.]))
    assert torch.equal((a / b)[1], torch.tensor([0.1, 0.1]))
    assert torch.equal((2 / a)[1], torch.tensor([2., 1.]))
    assert torch.equal((a % 2)[0], torch.tensor([[0., 1., 0.], [1., 0., 1.]]))
    assert torch.equal((-a)[1], torch.tensor([-1., -2.]))
    assert torch.equal((a >= 2)[1], torch.tensor([False, True]))
    assert torch.equal((a < 2)[1], torch.tensor([True, False]))
    m = TensorList([torch.eye(2)]) @ TensorList([torch.tensor([[1., 2.], [3., 4.]])])
    assert torch.equal(m[0], torch.tensor([[1., 2.], [3., 4.]]))
    with pytest.raises(ValueError, match='length mismatch'):
        a + TensorList([torch.ones(1)])


def test_tensorlist_inplace_ops_modify_elements():
    a = _tl()
    first = a[1]
    a += 1
    assert torch.equal(a[1], torch.tensor([2., 3.]))
    assert a[1] is first  # in-place on the tensor
    a *= TensorList([torch.zeros(2, 3), torch.tensor([2., 2.])])
    assert torch.equal(a[1], torch.tensor([4., 6.])) and a[0].abs().sum() == 0


def test_tensorlist_indexing_and_helpers():
    a = TensorList([torch.tensor(float(i)) for i in range(4)])
    assert torch.equal(a[2], torch.tensor(2.))
    assert isinstance(a[1:3], TensorList) and len(a[1:3]) == 2
    sel = a[[0, 3]]
    assert isinstance(sel, TensorList) and sel[1].item() == 3
    assert isinstance(a.copy(), TensorList) and a.copy() is not a
    assert type(a.list()) is list
    c = a.concat(TensorList([torch.tensor(9.)]))
    assert isinstance(c, TensorList) and len(c) == 5 and c[4].item() == 9
    nested = TensorList([TensorList([torch.tensor(1.), torch.tensor(2.)]), torch.tensor(3.)])
    assert [t.item() for t in nested.unroll()] == [1., 2., 3.]
    assert a.apply(lambda t, k: t + k, 10)[3].item() == 13
    assert a.attribute('dtype') == [torch.float32] * 4


def test_tensorlist_attribute_broadcast():
    a = _tl()
    assert list(a.shape) == [torch.Size([2, 3]), torch.Size([2])]
    sums = a.sum()
    assert isinstance(sums, TensorList) and sums[0].item() == 15 and sums[1].item() == 3
    v = a.view(-1)
    assert v[0].shape == (6,)
    assert TensorList().cpu() == []
    with pytest.raises(AttributeError):
        a.not_a_tensor_attribute


def test_tensorlist_copy_pickle():
    a = _tl()
    d = copy.deepcopy(a)
    assert isinstance(d, TensorList) and d[0] is not a[0] and torch.equal(d[0], a[0])
    p = pickle.loads(pickle.dumps(a))
    assert isinstance(p, TensorList) and torch.equal(p[1], a[1])


def test_tensor_operation_decorator():
    @tensor_operation
    def add(x, y, scale=1):
        return (x + y) * scale

    assert add(torch.tensor(1.), torch.tensor(2.)).item() == 3
    r = add(TensorList([torch.tensor(1.), torch.tensor(2.)]), TensorList([torch.tensor(10.), torch.tensor(20.)]), scale=2)
    assert isinstance(r, TensorList) and [t.item() for t in r] == [22., 44.]
    r = add(TensorList([torch.tensor(1.), torch.tensor(2.)]), 5)
    assert [t.item() for t in r] == [6., 7.]
    r = add(5, TensorList([torch.tensor(1.), TensorList([torch.tensor(2.)])]))
    assert r[0].item() == 6 and isinstance(r[1], TensorList) and r[1][0].item() == 7


# ----------------------------------------------------------------------------------------- TensorDict
def test_tensordict_broadcast_and_helpers():
    d = TensorDict({'img': torch.ones(2, 3), 'bb': torch.zeros(4), 'dataset': ['got10k']})
    moved = d.to(torch.float64)
    assert isinstance(moved, TensorDict)
    assert moved['img'].dtype == torch.float64 and moved['dataset'] == ['got10k']
    shapes = d.shape
    assert shapes['img'] == (2, 3) and shapes['dataset'] == ['got10k']
    assert list(d.keys()) == ['img', 'bb', 'dataset']
    c = d.concat({'extra': torch.ones(1)})
    assert isinstance(c, TensorDict) and list(c.keys())[-1] == 'extra' and 'extra' not in d
    assert isinstance(d.copy(), TensorDict)
    assert d.apply(lambda v: v)['bb'] is d['bb']
    assert d.attribute('dtype', None)['dataset'] is None
    dc = copy.deepcopy(d)
    assert isinstance(dc, TensorDict) and dc['img'] is not d['img']
    assert TensorDict().to('cpu') == TensorDict()
    with pytest.raises(AttributeError):
        d.not_a_tensor_attribute


# ------------------------------------------------------------------------------------------------ dcf
def test_fcot_window_values():
    w = dcf.fcot_hann1d(72)
    assert w.shape == (72,) and w.dtype == torch.float32
    i = torch.arange(72, dtype=torch.float64)
    ref = 0.2 * (1 - torch.cos(2 * math.pi * (i + 1) / 74))
    assert torch.allclose(w.double(), ref, atol=1e-7)
    assert int(w.argmax()) == 36 and abs(w.max().item() - 0.4) < 1e-7
    assert abs(w[0].item() - 0.2 * (1 - math.cos(2 * math.pi / 74))) < 1e-8
    assert abs(w[71].item() - w[1].item()) < 1e-8  # mirror of i+1=72 is i+1=2: not symmetric over 0..71
    w2 = dcf.fcot_hann2d(72)
    assert w2.shape == (1, 1, 72, 72)
    assert abs(w2.max().item() - 0.16) < 1e-7 and w2[0, 0, 36, 36].item() == w2.max().item()
    assert torch.allclose(w2[0, 0, 10, 50], w[10] * w[50])


def test_soft_window_blends_the_peak_normalised_window_with_a_flat_one():
    w = dcf.fcot_hann2d(72)
    for influence in (0.0, 0.3, 1.0):
        s = dcf.soft_window(w, influence)
        ref = 1 - influence + influence * w.double() / 0.16       # independent: the window's peak is 0.16
        assert torch.allclose(s.double(), ref, atol=1e-6)
        assert abs(s.max().item() - 1.0) < 1e-6 and abs(s[0, 0, 36, 36].item() - 1.0) < 1e-6
        assert s.min().item() >= 1 - influence - 1e-6
    assert argmax_equal(dcf.soft_window(w, 1.0), w)
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"window_influence must be in \[0, 1\], got"):
            dcf.soft_window(w, bad)


def argmax_equal(a, b):
    return int(a.flatten().argmax()) == int(b.flatten().argmax())


def test_pytracking_hann_windows():
    w = dcf.hann1d(5)
    ref = 0.5 * (1 - torch.cos(2 * math.pi / 6 * torch.arange(1, 6, dtype=torch.float64)))
    assert torch.allclose(w.double(), ref, atol=1e-7)
    assert torch.allclose(w, w.flip(0))
    w_nc = dcf.hann1d(6, centered=False)
    assert w_nc.shape == (6,) and w_nc[0].item() == 1.0
    assert torch.allclose(w_nc[1:], w_nc[1:].flip(0))
    h2 = dcf.hann2d(torch.tensor([4, 6]))
    assert h2.shape == (1, 1, 4, 6)
    assert torch.allclose(h2[0, 0], dcf.hann1d(4)[:, None] * dcf.hann1d(6)[None, :])


def test_max2d_batched_unique():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(3, 2, 7, 9, generator=g)
    val, am = dcf.max2d(a)
    assert val.shape == (3, 2) and am.shape == (3, 2, 2) and am.dtype == torch.int64
    flat = a.view(3, 2, -1)
    ref_val, ref_idx = flat.max(dim=-1)
    assert torch.equal(val, ref_val)
    assert torch.equal(am[..., 0], ref_idx // 9) and torch.equal(am[..., 1], ref_idx % 9)


def test_max2d_tie_breaking_smallest_column_first():
    a = torch.zeros(6, 6)
    a[3, 1] = 5
    a[1, 2] = 5
    val, am = dcf.max2d(a)
    assert val.item() == 5 and am.tolist() == [3, 1]  # row-major first would be (1, 2)
    b = torch.zeros(6, 6)
    b[4, 2] = 1
    b[1, 2] = 1
    assert dcf.max2d(b)[1].tolist() == [1, 2]
    assert dcf.max2d(torch.zeros(4, 5))[1].tolist() == [0, 0]
