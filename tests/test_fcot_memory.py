"""SampleMemory weight bookkeeping (spec §4.4) against hand-computed cases, and BestSampleBuffer."""
import pytest
import torch

from pytracking.tracker.fcot.memory import BestSampleBuffer, SampleMemory


def make_memory(capacity=5, n_init=2, dtype=torch.float64, two_features=False):
    feats = torch.arange(n_init, dtype=dtype).view(n_init, 1, 1, 1).expand(n_init, 2, 3, 3).clone()
    boxes = torch.arange(n_init * 4, dtype=dtype).view(n_init, 4)
    init = [feats, feats[:, :1] * 10] if two_features else feats
    return SampleMemory(init, boxes, capacity)


def sample(value, dtype=torch.float64):
    return torch.full((1, 2, 3, 3), float(value), dtype=dtype)


def assert_weights(mem, expected, tol=1e-12):
    got = mem.weights.tolist()
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert abs(g - e) < tol, (got, expected)


def test_initial_state():
    mem = make_memory(capacity=50, n_init=23, dtype=torch.float32)
    assert mem.num_stored_samples == 23 and mem.previous_replace_ind is None and mem.num_init_samples == 23
    assert mem.weights.dtype == torch.float32
    assert torch.allclose(mem.weights[:23], torch.full((23,), 1 / 23)) and mem.weights[23:].abs().sum() == 0
    assert mem.samples.shape == (23, 2, 3, 3) and mem.stored_boxes.shape == (23, 4)
    assert mem.features[0].shape == (50, 2, 3, 3)


def test_no_init_min_lr01_hand_computed_including_beyond_capacity():
    mem = make_memory()
    r = mem.insert(sample(7), torch.tensor([1., 2., 3., 4.], dtype=torch.float64), 0.1, None)
    # prev None: w /= 0.9, w[2] = 0.1, normalise -> [50, 50, 9, 0, 0] / 109
    assert r.item() == 2 and mem.num_stored_samples == 3
    assert_weights(mem, [50 / 109, 50 / 109, 9 / 109, 0, 0])
    assert torch.all(mem.features[0][2] == 7) and mem.boxes[2].tolist() == [1., 2., 3., 4.]
    r = mem.insert(sample(8), torch.zeros(4, dtype=torch.float64), 0.1, 0)  # 0 means unset
    # w[3] = w[2] / 0.9 -> [50, 50, 9, 10, 0] / 119
    assert r.item() == 3
    assert_weights(mem, [50 / 119, 50 / 119, 9 / 119, 10 / 119, 0])
    mem.insert(sample(9), torch.zeros(4, dtype=torch.float64), 0.1, None)
    assert_weights(mem, [450 / 1171, 450 / 1171, 81 / 1171, 90 / 1171, 100 / 1171])
    # full: replace argmin over all (index 2), w[2] = w[4] / 0.9
    r = mem.insert(sample(10), torch.zeros(4, dtype=torch.float64), 0.1, None)
    assert r.item() == 2 and mem.num_stored_samples == 6
    assert_weights(mem, [4050 / 10810, 4050 / 10810, 1000 / 10810, 810 / 10810, 900 / 10810])
    assert torch.all(mem.features[0][2] == 10)
    r = mem.insert(sample(11), torch.zeros(4, dtype=torch.float64), 0.1, None)
    assert r.item() == 3 and mem.num_stored_samples == 7  # counter keeps growing past capacity
    assert_weights(mem, [0.3645, 0.3645, 0.09, 0.1, 0.081])
    assert mem.samples.shape[0] == 5 and mem.stored_weights.shape == (5,)   # slicing takes everything


def test_init_min_weight_rule_hand_computed():
    mem = make_memory()
    lr, init_min = 0.5, 0.25
    mem.insert(sample(1), torch.zeros(4, dtype=torch.float64), lr, init_min)
    assert_weights(mem, [0.4, 0.4, 0.2, 0, 0])
    mem.insert(sample(2), torch.zeros(4, dtype=torch.float64), lr, init_min)
    assert_weights(mem, [2 / 7, 2 / 7, 1 / 7, 2 / 7, 0])
    mem.insert(sample(3), torch.zeros(4, dtype=torch.float64), lr, init_min)
    assert_weights(mem, [2 / 11, 2 / 11, 1 / 11, 2 / 11, 4 / 11])
    r = mem.insert(sample(4), torch.zeros(4, dtype=torch.float64), lr, init_min)
    # normalised [1,1,4,1,2]/9: init sum 2/9 < 0.25 -> w /= 0.25 + 7/9, w[:2] = 0.125 (sum != 1: quirk)
    assert r.item() == 2
    assert_weights(mem, [0.125, 0.125, 16 / 37, 4 / 37, 8 / 37])
    assert abs(mem.weights.sum().item() - (0.25 + 28 / 37)) < 1e-12
    r = mem.insert(sample(5), torch.zeros(4, dtype=torch.float64), lr, init_min)
    assert r.item() == 3
    assert_weights(mem, [0.125, 0.125, 16 / 72.3125, 32 / 72.3125, 8 / 72.3125])


def test_init_min_protects_initial_samples_from_replacement():
    # capacity 3, 2 initial samples, lr 0.9: without init_min the initial sample 0 gets replaced
    free = make_memory(capacity=3)
    for v in (1, 2, 3):
        r = free.insert(sample(v), torch.zeros(4, dtype=torch.float64), 0.9, None)
    assert r.item() == 0
    assert_weights(free, [90 / 104, 5 / 104, 9 / 104])
    assert torch.all(free.features[0][0] == 3)
    protected = make_memory(capacity=3)
    for v in (1, 2, 3):
        r = protected.insert(sample(v), torch.zeros(4, dtype=torch.float64), 0.9, 0.01)
    assert r.item() == 2   # s_ind = 2: argmin over weights[2:] only
    assert_weights(protected, [0.05, 0.05, 0.9])
    assert torch.all(protected.features[0][0] == 0)


def test_learning_rate_one_resets():
    mem = make_memory()
    mem.insert(sample(1), torch.zeros(4, dtype=torch.float64), 0.1, None)
    r = mem.insert(sample(2), torch.ones(4, dtype=torch.float64), 1.0, None)
    assert r.item() == 0
    assert_weights(mem, [1, 0, 0, 0, 0])
    assert torch.all(mem.features[0][0] == 2) and mem.boxes[0].tolist() == [1., 1., 1., 1.]


def test_float32_and_multiple_features():
    mem = make_memory(capacity=50, n_init=23, dtype=torch.float32, two_features=True)
    s = [sample(5, torch.float32), torch.full((2, 3, 3), 6.)[:1]]
    r = mem.insert(s, torch.ones(1, 4), 0.01, 0.25)
    assert r.item() == 23
    assert torch.all(mem.features[0][23] == 5) and torch.all(mem.features[1][23] == 6)
    w = mem.weights
    assert abs(w.sum().item() - 1) < 1e-6
    total = 1 / 0.99 + 0.01   # first insert: w /= 1 - lr, w[r] = lr, then normalise
    assert abs(w[23].item() - 0.01 / total) < 1e-7 and abs(w[0].item() - 1 / (23 * 0.99 * total)) < 1e-7
    assert isinstance(mem.samples, list) and len(mem.samples) == 2
    with pytest.raises(ValueError, match='feature tensor'):
        mem.insert(sample(1, torch.float32), torch.ones(4), 0.01, 0.25)


def test_constructor_validation():
    with pytest.raises(ValueError, match='capacity'):
        SampleMemory(torch.zeros(5, 1, 2, 2), torch.zeros(5, 4), 3)
    with pytest.raises(ValueError, match='init_boxes'):
        SampleMemory(torch.zeros(5, 1, 2, 2), torch.zeros(4, 4), 10)


def test_best_sample_buffer():
    buf = BestSampleBuffer()
    assert buf.empty and buf.best_score == -100
    assert buf.offer('a', 1, -200.0)          # empty buffer accepts any score
    assert buf.offer('b', 2, -200.0)          # >= keeps the later one
    assert not buf.offer('c', 3, -300.0)
    assert buf.offer('d', 4, torch.tensor(0.5))
    assert buf.pop() == ('d', 4, 0.5)
    assert buf.empty and buf.best_score == -100
    with pytest.raises(RuntimeError):
        buf.pop()


# ------------------------------------------------------------------------------------ update schedule
def otb_update_params():
    from types import SimpleNamespace
    return SimpleNamespace(update_classifier_and_regressor=True, learning_rate=0.01, hard_negative_learning_rate=0.02,
                           init_train_frames=10, train_skipping=14,
                           init_train_iter_72=6, init_train_iter=6, reg_init_train_iter=6,
                           net_opt_update_iter_72=2, net_opt_update_iter=2, reg_net_opt_update_iter=1,
                           net_opt_hn_iter_72=1, net_opt_hn_iter=1, reg_net_opt_hn_iter=0)


def test_plan_model_update():
    from pytracking.tracker.fcot.schedule import plan_model_update
    p = otb_update_params()
    assert plan_model_update('not_found', 5, p).action == 'none'
    assert plan_model_update('uncertain', 5, p).action == 'none'
    hn = plan_model_update('hard_negative', 40, p)
    assert hn == ('insert', 0.02, (1, 1, 0))
    assert plan_model_update('hard_negative', 3, p) == hn        # hard negatives win over the init phase
    assert plan_model_update('normal', 11, p) == ('insert', 0.01, (6, 6, 6))      # n = 10 <= 10
    assert plan_model_update('normal', 12, p).action == 'offer'                   # n = 11
    assert plan_model_update('normal', 15, p) == ('offer_then_insert_best', 0.01, (2, 2, 1))  # n = 14
    assert plan_model_update('normal', 29, p).action == 'offer_then_insert_best'  # n = 28
    assert plan_model_update('normal', 30, p).action == 'offer'
    p.update_classifier_and_regressor = False
    assert plan_model_update('normal', 11, p).action == 'none'
    with pytest.raises(ValueError, match='unknown flag'):
        plan_model_update('lost', 3, p)
    del p.learning_rate
    p.update_classifier_and_regressor = True
    with pytest.raises(AttributeError, match='learning_rate'):
        plan_model_update('normal', 11, p)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_memory_stays_on_cuda():
    dev = torch.device('cuda')
    mem = SampleMemory(torch.zeros(23, 4, 3, 3, device=dev), torch.zeros(23, 4, device=dev), 50)
    for i in range(40):
        r = mem.insert(torch.full((1, 4, 3, 3), float(i), device=dev), torch.ones(4, device=dev), 0.01, 0.25)
        assert r.device.type == 'cuda'
    assert mem.weights.device.type == 'cuda' and mem.num_stored_samples == 63
    cpu = SampleMemory(torch.zeros(23, 4, 3, 3), torch.zeros(23, 4), 50)
    for i in range(40):
        cpu.insert(torch.full((1, 4, 3, 3), float(i)), torch.ones(4), 0.01, 0.25)
    assert torch.allclose(mem.weights.cpu(), cpu.weights, atol=1e-7)
    assert torch.equal(mem.features[0].cpu(), cpu.features[0])
