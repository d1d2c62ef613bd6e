"""FCOT training sampler: draws (train frames, test frames) samples from weighted datasets.

``FCOTSampler`` is a ``torch.utils.data.Dataset`` of length ``samples_per_epoch``; item ``index`` is one random
sample, passed through ``processing``.

Sampling one item:

1. pick a dataset with probability ``p_datasets`` (normalized), then a sequence uniformly;
2. video datasets: the sequence must have more than ``2 * (num_train_frames + num_test_frames)`` visible frames and
   at least 20 frames, otherwise another sequence of the same dataset is drawn; image datasets (``COCO``): the one
   frame must be visible;
3. video datasets, with ``gap = 0`` (all draws uniform among *visible* frames, with replacement):

   - base frame in ``[num_train_frames - 1, N - num_test_frames)`` (``[2, N - 3)`` for 3/3);
   - ``num_train_frames - 1`` more train frames in ``[base - max_gap - gap, base)``;
   - train ids = ``[base] + those``: the base (latest) frame is **train index 0**;
   - ``num_test_frames`` test frames in ``[base + 1, base + max_gap + gap)``;
   - if a draw finds no visible frame, ``gap += 5`` and everything (base included) is drawn again;

   image datasets: the same image and box for every train and test frame (frame id 0).
4. returns ``processing(TensorDict(train_images, train_anno, test_images, test_anno, dataset, test_class))`` with
   the images and boxes as lists (one entry per frame, (H, W, 3) uint8 RGB and (4,) [x, y, w, h]).

Randomness and reproducibility
------------------------------
Each item draws from its own ``np.random.Generator``; processings that accept an ``rng`` argument (all of
:mod:`ltr.data.processing`) draw from it too.

- ``seed=None`` (default): fresh OS entropy per item (like pytracking; workers never repeat each other).
- ``seed=S``: item ``index`` of epoch ``e`` on DDP rank ``r`` uses ``np.random.default_rng([S, r, e, index])``,
  or ``np.random.default_rng([S, crc32(stream), r, e, index])`` when a ``stream`` name is given (the training
  recipe passes the stage name, so that every stage draws fresh samples).
  A sample is then a pure function of ``(S, r, e, index)``: it does not depend on ``num_workers`` or on which
  worker produced it. Call ``sampler.set_epoch(e)`` before iterating epoch ``e`` (before the DataLoader
  iterator is created; with ``persistent_workers=True`` workers keep their own copy and miss the update).
  The rank is taken from ``torch.distributed`` when it is initialized, or set with ``sampler.set_rank(r)``.
"""
import inspect

import zlib

import numpy as np
import torch
import torch.utils.data

from ltr.libs.tensordict import TensorDict

__all__ = ['FCOTSampler', 'no_processing']

#: Minimum sequence length of a video (frames) to be sampled.
MIN_SEQUENCE_LENGTH = 20


def no_processing(data, rng=None):
    """Identity processing."""
    return data


def _accepts_rng(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return 'rng' in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


class FCOTSampler(torch.utils.data.Dataset):
    """FCOT sampler (see the module docstring).

    Args:
        datasets: list of datasets (``BaseVideoDataset`` API).
        p_datasets: sampling weights, one per dataset (normalized); None: proportional to the number of sequences.
        samples_per_epoch: ``len(sampler)``.
        max_gap: maximum frame gap between the base frame and the other frames (30).
        num_test_frames, num_train_frames: frames per sample (3 and 3).
        processing: callable ``data -> data`` (or ``(data, rng=...) -> data``).
        seed: None (non-reproducible) or an int (see "Randomness and reproducibility").
        stream: None or a name (e.g. the training stage) mixed into the seed: two samplers with the same seed and
            different streams draw different samples.
        max_sequence_draws: redraws of a sequence before giving up with an error naming the dataset.
    """

    def __init__(self, datasets, p_datasets, samples_per_epoch, max_gap=30, num_test_frames=3, num_train_frames=3,
                 processing=no_processing, seed=None, max_sequence_draws=10000, stream=None):
        datasets = list(datasets)
        if not datasets:
            raise ValueError('FCOTSampler: datasets is empty')
        if p_datasets is None:
            p_datasets = [len(d) for d in datasets]
        p = np.asarray(p_datasets, dtype=np.float64)
        if p.shape != (len(datasets),) or (p < 0).any() or not np.isfinite(p).all() or p.sum() <= 0:
            raise ValueError('FCOTSampler: p_datasets must be {} non-negative weights with a positive sum, got {}'
                             .format(len(datasets), list(p_datasets)))
        if num_train_frames < 1 or num_test_frames < 1:
            raise ValueError('FCOTSampler: num_train_frames and num_test_frames must be >= 1, got {} and {}'.format(
                num_train_frames, num_test_frames))
        self.datasets = datasets
        self.p_datasets = p / p.sum()
        self.samples_per_epoch = int(samples_per_epoch)
        self.max_gap = max_gap
        self.num_test_frames = num_test_frames
        self.num_train_frames = num_train_frames
        self.processing = processing
        self._processing_takes_rng = _accepts_rng(processing)
        self.max_sequence_draws = max_sequence_draws
        self.seed = seed
        self.stream = None if stream is None else str(stream)
        self.epoch = 0
        self.rank = None

    # ------------------------------------------------------------------------------------------ seeding API
    def set_seed(self, seed):
        """None: non-reproducible sampling; int: samples are a function of (seed, rank, epoch, index)."""
        self.seed = seed

    def set_epoch(self, epoch):
        """Select the epoch whose samples ``__getitem__`` returns (only matters with a seed)."""
        self.epoch = int(epoch)

    def set_rank(self, rank):
        """Override the DDP rank (default: ``torch.distributed.get_rank()`` if initialized, else 0)."""
        self.rank = None if rank is None else int(rank)

    def _current_rank(self):
        if self.rank is not None:
            return self.rank
        if torch.distributed.is_available() and torch.distributed.is_initialized():
            return torch.distributed.get_rank()
        return 0

    def rng_for(self, index):
        """The generator of item ``index`` (see the module docstring)."""
        if self.seed is None:
            return np.random.default_rng()
        key = [int(self.seed), self._current_rank(), self.epoch, int(index)]
        if self.stream is not None:
            key.insert(1, zlib.crc32(self.stream.encode('utf-8')))
        return np.random.default_rng(key)

    # -------------------------------------------------------------------------------------------- sampling
    def __len__(self):
        return self.samples_per_epoch

    def __getitem__(self, index):
        rng = self.rng_for(index)
        return self.sample(rng)

    @staticmethod
    def _sample_visible_ids(rng, visible, num_ids=1, min_id=None, max_id=None):
        """``num_ids`` ids drawn uniformly with replacement from the visible frames in [min_id, max_id).

        ``min_id``/``max_id`` are clipped to [0, len(visible)]. Returns a list of ints, [] for ``num_ids == 0``,
        or None when no frame in the range is visible.
        """
        if num_ids == 0:
            return []
        n = len(visible)
        min_id = 0 if min_id is None else max(0, int(min_id))
        max_id = n if max_id is None else min(n, int(max_id))
        if max_id <= min_id:
            return None
        candidates = torch.nonzero(visible[min_id:max_id], as_tuple=False).flatten()
        if candidates.numel() == 0:
            return None
        picks = rng.integers(0, candidates.numel(), size=num_ids)
        return (candidates[torch.from_numpy(picks)] + min_id).tolist()

    def _draw_sequence(self, rng, dataset):
        is_video = dataset.is_video_sequence()
        min_visible = 2 * (self.num_test_frames + self.num_train_frames)
        for _ in range(self.max_sequence_draws):
            seq_id = int(rng.integers(0, dataset.get_num_sequences()))
            seq_info = dataset.get_sequence_info(seq_id)
            visible = seq_info['visible'].bool()
            if is_video:
                if int(visible.sum()) > min_visible and len(visible) >= MIN_SEQUENCE_LENGTH:
                    return seq_id, seq_info, visible
            elif bool(visible[0]):
                return seq_id, seq_info, visible
        raise RuntimeError("FCOTSampler: no usable sequence in dataset '{}' after {} draws (videos need more than {} "
                           "visible frames and at least {} frames; images a visible box)".format(
                               dataset.get_name(), self.max_sequence_draws, min_visible, MIN_SEQUENCE_LENGTH))

    def _draw_frame_ids(self, rng, visible):
        """(train_ids, test_ids) of a video; train_ids[0] is the base frame."""
        n = len(visible)
        gap_increase = 0
        # Always terminates for sequences accepted by _draw_sequence; the bound only turns a bug into an error.
        for _ in range(1000 + n):
            base = self._sample_visible_ids(rng, visible, 1, self.num_train_frames - 1, n - self.num_test_frames)
            if base is None:
                gap_increase += 5
                continue
            prev = self._sample_visible_ids(rng, visible, self.num_train_frames - 1,
                                            base[0] - self.max_gap - gap_increase, base[0])
            if prev is None:
                gap_increase += 5
                continue
            train_ids = base + prev
            test_ids = self._sample_visible_ids(rng, visible, self.num_test_frames, train_ids[0] + 1,
                                                train_ids[0] + self.max_gap + gap_increase)
            gap_increase += 5
            if test_ids is not None:
                return train_ids, test_ids
        raise RuntimeError('FCOTSampler: could not draw frames from a sequence of {} frames with {} visible'.format(
            n, int(visible.sum())))

    def sample(self, rng):
        """One processed sample drawn with the generator ``rng``."""
        dataset = self.datasets[int(rng.choice(len(self.datasets), p=self.p_datasets))]
        seq_id, seq_info, visible = self._draw_sequence(rng, dataset)
        if dataset.is_video_sequence():
            train_ids, test_ids = self._draw_frame_ids(rng, visible)
        else:
            train_ids = [0] * self.num_train_frames
            test_ids = [0] * self.num_test_frames

        train_frames, train_anno, _ = dataset.get_frames(seq_id, train_ids, seq_info)
        test_frames, test_anno, meta_test = dataset.get_frames(seq_id, test_ids, seq_info)
        data = TensorDict({'train_images': train_frames,
                           'train_anno': train_anno['bbox'],
                           'test_images': test_frames,
                           'test_anno': test_anno['bbox'],
                           'dataset': dataset.get_name(),
                           'test_class': meta_test.get('object_class_name')})
        if self._processing_takes_rng:
            return self.processing(data, rng=rng)
        return self.processing(data)
