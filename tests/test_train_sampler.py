"""FCOTSampler: frame ranges, visibility, base frame at train index 0, image datasets, reproducibility."""
import numpy as np
import pytest
import torch

from ltr.data.loader import LTRLoader
from ltr.data.sampler import FCOTSampler
from ltr.dataset.base_video_dataset import BaseVideoDataset, empty_object_meta


class FakeVideos(BaseVideoDataset):
    """In-memory videos; frame ``f`` of sequence ``s`` is a 2x2x3 array filled with ``f`` (and ``s`` in channel 1).
    Box of frame f: [f, s, 5, 5]. ``visibility``: list of per-sequence bool lists."""

    def __init__(self, visibility, name='fake', video=True):
        super().__init__(name, None)
        self.visibility = [torch.tensor(v, dtype=torch.bool) for v in visibility]
        self.sequence_list = list(range(len(visibility)))
        self.video = video
        self.info_calls = []

    def get_name(self):
        return 'fake'

    def is_video_sequence(self):
        return self.video

    def get_sequence_info(self, seq_id):
        self.info_calls.append(seq_id)
        n = len(self.visibility[seq_id])
        bbox = torch.stack([torch.arange(n, dtype=torch.float32), torch.full((n,), float(seq_id)),
                            torch.full((n,), 5.0), torch.full((n,), 5.0)], dim=1)
        return {'bbox': bbox, 'valid': torch.ones(n, dtype=torch.bool), 'visible': self.visibility[seq_id]}

    def get_frames(self, seq_id, frame_ids, anno=None):
        anno = self.get_sequence_info(seq_id) if anno is None else anno
        frames = []
        for f in frame_ids:
            im = np.zeros((2, 2, 3), np.int64)
            im[..., 0] = f
            im[..., 1] = seq_id
            frames.append(im)
        return frames, {k: [v[f] for f in frame_ids] for k, v in anno.items()}, empty_object_meta(
            object_class_name='c{}'.format(seq_id))


def frame_ids(data, key):
    return [int(im[0, 0, 0]) for im in data[key]]


def seq_of(data):
    return int(data['train_images'][0][0, 0, 1])


def test_frame_ranges_visibility_and_base_first():
    rng = np.random.default_rng(0)
    n = 200
    visible = rng.random(n) < 0.6
    visible[:5] = True
    ds = FakeVideos([visible.tolist()])
    sampler = FCOTSampler([ds], [1], samples_per_epoch=400, seed=3)
    assert len(sampler) == 400
    bases = []
    for i in range(400):
        data = sampler[i]
        train, test = frame_ids(data, 'train_images'), frame_ids(data, 'test_images')
        assert len(train) == 3 and len(test) == 3
        assert all(visible[f] for f in train + test)
        base = train[0]
        bases.append(base)
        assert 2 <= base < n - 3
        assert all(f < base for f in train[1:])       # earlier train frames come before the base
        assert all(f > base for f in test)            # test frames after the base
        # Boxes follow the frames.
        assert [float(b[0]) for b in data['train_anno']] == train
        assert [float(b[0]) for b in data['test_anno']] == test
        assert data['dataset'] == 'fake' and data['test_class'] == 'c0'
    # Without gap growth, frames are within max_gap (30) of the base; gap growth is rare with 60% visibility.
    within = [all(b - 30 <= f for f in frame_ids(sampler[i], 'train_images')) for i, b in zip(range(50), bases)]
    assert np.mean(within) > 0.9
    assert min(bases) < 20 and max(bases) > n - 30  # the whole range is used


def test_gap_grows_when_no_visible_frame_is_within_max_gap():
    # Visible frames 40 apart: every draw needs the gap to grow past 10 (max_gap 30) on both sides of the base.
    n = 13 * 40
    vis = [f % 40 == 0 for f in range(n)]
    ds = FakeVideos([vis])
    sampler = FCOTSampler([ds], [1], samples_per_epoch=100, seed=0)
    for i in range(100):
        data = sampler[i]
        train, test = frame_ids(data, 'train_images'), frame_ids(data, 'test_images')
        assert all(vis[f] for f in train + test)
        base = train[0]
        assert 2 <= base < n - 3
        assert all(f <= base - 40 for f in train[1:]) and all(f >= base + 40 for f in test)


def test_sequence_requirements_resample_short_or_mostly_invisible():
    short = [True] * 19                     # < 20 frames
    few_visible = [True] * 12 + [False] * 30  # exactly 12 visible: not more than 2 * (3 + 3)
    ok = [True] * 13 + [False] * 7            # 13 visible, 20 frames
    ds = FakeVideos([short, few_visible, ok])
    sampler = FCOTSampler([ds], [1], samples_per_epoch=50, seed=1)
    for i in range(50):
        assert seq_of(sampler[i]) == 2


def test_no_usable_sequence_raises_naming_dataset():
    ds = FakeVideos([[True] * 19])
    sampler = FCOTSampler([ds], [1], samples_per_epoch=1, seed=1, max_sequence_draws=20)
    with pytest.raises(RuntimeError, match="dataset 'fake'"):
        sampler[0]


def test_image_dataset_uses_same_frame_everywhere():
    ds = FakeVideos([[True], [True]], video=False)
    sampler = FCOTSampler([ds], [1], samples_per_epoch=10, seed=1)
    for i in range(10):
        data = sampler[i]
        assert frame_ids(data, 'train_images') == [0, 0, 0] and frame_ids(data, 'test_images') == [0, 0, 0]
        assert all(torch.equal(b, data['train_anno'][0]) for b in data['train_anno'] + data['test_anno'])


def test_dataset_weights():
    a = FakeVideos([[True] * 30])
    b = FakeVideos([[True] * 30] * 2)
    b.visibility[0] = torch.zeros(30, dtype=torch.bool)  # so dataset b always yields sequence 1, a sequence 0
    sampler = FCOTSampler([a, b], [0.25, 1.0], samples_per_epoch=400, seed=2)
    from_b = np.mean([seq_of(sampler[i]) == 1 for i in range(400)])
    assert abs(from_b - 0.8) < 0.06
    assert np.allclose(FCOTSampler([a, b], None, 1).p_datasets, [1 / 3, 2 / 3])
    with pytest.raises(ValueError, match='p_datasets'):
        FCOTSampler([a, b], [1.0], 1)


def test_seeded_sampling_is_reproducible_and_epoch_dependent():
    vis = [True] * 100
    ds = FakeVideos([vis] * 5)
    s1 = FCOTSampler([ds], [1], samples_per_epoch=20, seed=7)
    s2 = FCOTSampler([ds], [1], samples_per_epoch=20, seed=7)
    draw = lambda s: [(seq_of(s[i]), frame_ids(s[i], 'train_images'), frame_ids(s[i], 'test_images'))
                      for i in range(20)]
    first = draw(s1)
    assert first == draw(s2)
    assert s1[3] is not None and draw(s1) == first  # items do not depend on call order
    s2.set_epoch(1)
    assert draw(s2) != first
    s2.set_epoch(0)
    s2.set_rank(1)
    assert draw(s2) != first
    s2.set_rank(0)
    assert draw(s2) == first
    unseeded = FCOTSampler([ds], [1], samples_per_epoch=20)
    assert draw(unseeded) != draw(unseeded)


def test_seeded_samples_do_not_depend_on_worker_count():
    ds = FakeVideos([[True] * 100] * 4)
    sampler = FCOTSampler([ds], [1], samples_per_epoch=8, seed=11)

    def ids(num_workers):
        loader = LTRLoader('train', sampler, batch_size=2, num_workers=num_workers, stack_dim=0)
        return [[t[:, 0].tolist() for t in b['train_anno'] + b['test_anno']] for b in loader]

    assert ids(0) == ids(2)


def test_stage_stream_gives_each_stage_fresh_reproducible_samples():
    ds = FakeVideos([[True] * 100] * 5)
    draw = lambda s: [(seq_of(s[i]), frame_ids(s[i], 'train_images'), frame_ids(s[i], 'test_images'))
                      for i in range(20)]
    plain = draw(FCOTSampler([ds], [1], samples_per_epoch=20, seed=0))
    stage1 = draw(FCOTSampler([ds], [1], samples_per_epoch=20, seed=0, stream='fcot_stage1'))
    stage2 = draw(FCOTSampler([ds], [1], samples_per_epoch=20, seed=0, stream='fcot_stage2'))
    assert stage1 != stage2 and stage1 != plain and stage2 != plain
    assert stage1 == draw(FCOTSampler([ds], [1], samples_per_epoch=20, seed=0, stream='fcot_stage1'))


def test_recipe_passes_the_stage_name_as_stream(tmp_path):
    import types
    from ltr.train_settings.fcot import recipe
    s = types.SimpleNamespace(module_name='fcot', script_name='fcot_stage2', overrides={})
    recipe.apply_settings(s, dict({'total_epochs': 1}, **recipe.STAGE2.defaults))
    assert s.sample_stream_per_stage is True and s.crop_edge_rule == 'official'
    from ltr.train_settings.fcot import fcot_tiny
    assert fcot_tiny.TINY.defaults['sample_stream_per_stage'] is False      # the shipped model's own setting
