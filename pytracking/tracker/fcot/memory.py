"""Online training-sample memory of the FCOT tracker (spec §4.1 step 6 and §4.4).

FCOT keeps three memories (cls-72, cls-18, reg-72) with identical bookkeeping. A
:class:`SampleMemory` holds one or several feature tensors that share the weights, the boxes and
the counter, so the tracker may use either three instances or one instance with three features.

Shapes (capacity ``N``): features ``(N, C, H, W)`` each, boxes ``(N, 4)`` ``[x, y, w, h]`` in
288-crop pixels, weights ``(N,)``. Everything stays on the device of the initial samples; the
weight update runs with tensor ops only (no host synchronisation).
"""
from typing import Optional, Sequence, Union

import torch

__all__ = ['SampleMemory', 'BestSampleBuffer']

Features = Union[torch.Tensor, Sequence[torch.Tensor]]


def _as_list(x: Features):
    if isinstance(x, torch.Tensor):
        return [x], True
    return list(x), False


class SampleMemory:
    """Fixed-capacity sample memory with pytracking/DiMP weight bookkeeping.

    Created from the initial (augmented) samples, each with weight ``1 / n_init``; counter
    ``n_init``; ``previous_replace_ind`` None.

    Args:
        init_samples: ``(n_init, C, H, W)`` tensor, or a sequence of such tensors (same ``n_init``).
        init_boxes: ``(n_init, 4)`` ``[x, y, w, h]``.
        capacity: ``sample_memory_size`` (``>= n_init``).
    """

    def __init__(self, init_samples: Features, init_boxes: torch.Tensor, capacity: int):
        samples, self._single = _as_list(init_samples)
        if not samples:
            raise ValueError("SampleMemory needs at least one feature tensor")
        n = samples[0].shape[0]
        if any(s.shape[0] != n for s in samples):
            raise ValueError(f"all initial feature tensors must have the same number of samples, got "
                             f"{[s.shape[0] for s in samples]}")
        if init_boxes.shape != (n, 4):
            raise ValueError(f"init_boxes must have shape ({n}, 4), got {tuple(init_boxes.shape)}")
        if capacity < n:
            raise ValueError(f"capacity {capacity} is smaller than the number of initial samples {n}")
        self.capacity = int(capacity)
        self.num_init_samples = n
        self.features = [s.new_zeros((capacity,) + tuple(s.shape[1:])) for s in samples]
        for buf, s in zip(self.features, samples):
            buf[:n] = s
        self.boxes = init_boxes.new_zeros(capacity, 4)
        self.boxes[:n] = init_boxes
        ref = samples[0]
        self.weights = ref.new_zeros(capacity)
        self.weights[:n] = ref.new_ones(1) / n
        self.num_stored_samples = n
        self.previous_replace_ind: Optional[torch.Tensor] = None

    # ------------------------------------------------------------------------------------ accessors
    @property
    def samples(self):
        """Stored features ``[:count]``: a tensor ``(min(count, N), C, H, W)`` (or a list of them)."""
        out = [f[:self.num_stored_samples] for f in self.features]
        return out[0] if self._single else out

    @property
    def stored_boxes(self) -> torch.Tensor:
        """``(min(count, N), 4)`` boxes ``[x, y, w, h]``."""
        return self.boxes[:self.num_stored_samples]

    @property
    def stored_weights(self) -> torch.Tensor:
        """``(min(count, N),)`` sample weights (the classifier optimizer's ``sample_weight``)."""
        return self.weights[:self.num_stored_samples]

    # ------------------------------------------------------------------------------------ update
    def update_sample_weights(self, learning_rate: float, init_min_weight: Optional[float] = None,
                              num_init_samples: Optional[int] = None) -> torch.Tensor:
        """Update ``self.weights`` in place for one new sample and return the replace index.

        Spec §4.4 (pytracking ``update_sample_weights``):

        * ``init_min_weight`` 0 or None means unset; ``s_ind = num_init`` if set, else 0.
        * count == 0 or lr == 1: all weights 0, weight 1 at index 0, replace index 0.
        * otherwise: replace index ``r = count`` while ``count < N``, else
          ``argmin(weights[s_ind:]) + s_ind`` (first minimum); then if ``previous_replace_ind`` is
          None: ``weights /= 1 - lr; weights[r] = lr``, else ``weights[r] = weights[prev] / (1 - lr)``.
        * normalise to sum 1;
        * if set and ``sum(weights[:num_init]) < init_min``:
          ``weights /= init_min + sum(weights[num_init:])`` and ``weights[:num_init] = init_min / num_init``.

        Returns:
            0-dim int64 tensor (device of the weights): the replace index.
        """
        lr = float(learning_rate)
        num_init = self.num_init_samples if num_init_samples is None else int(num_init_samples)
        init_min = None if not init_min_weight else float(init_min_weight)
        s_ind = 0 if init_min is None else num_init
        sw = self.weights
        dev = sw.device
        count = self.num_stored_samples

        if count == 0 or lr == 1:
            sw.zero_()
            sw[0] = 1
            r_ind = torch.zeros((), dtype=torch.long, device=dev)
        else:
            if count < sw.shape[0]:
                r_ind = torch.tensor(count, dtype=torch.long, device=dev)
            else:
                if s_ind >= sw.shape[0]:
                    raise ValueError(f"no replaceable slot: capacity {sw.shape[0]} <= protected initial samples {s_ind}")
                r_ind = torch.argmin(sw[s_ind:]) + s_ind
            idx = r_ind.view(1)
            if self.previous_replace_ind is None:
                sw /= 1 - lr
                sw.index_fill_(0, idx, lr)
            else:
                prev = self.previous_replace_ind.view(1)
                sw.index_copy_(0, idx, sw.index_select(0, prev) / (1 - lr))

        sw /= sw.sum()
        if init_min is not None:
            low = sw[:num_init].sum() < init_min
            scaled = sw / (init_min + sw[num_init:].sum())
            scaled[:num_init] = init_min / num_init
            sw.copy_(torch.where(low, scaled, sw))
        return r_ind

    def insert(self, sample: Features, box: torch.Tensor, learning_rate: float,
               init_min_weight: Optional[float] = None, num_init_samples: Optional[int] = None) -> torch.Tensor:
        """Insert one sample: update the weights, write sample and box at the replace index, count += 1.

        Args:
            sample: ``(1, C, H, W)`` (or ``(C, H, W)``) tensor, or a sequence matching the stored features.
            box: ``(4,)`` or ``(1, 4)`` ``[x, y, w, h]`` in 288-crop pixels.
            learning_rate: ``learning_rate`` or ``hard_negative_learning_rate``.
            init_min_weight: ``params.init_samples_minimum_weight`` (0/None: unset).
            num_init_samples: protected initial samples (default: the number this memory was created with).
        Returns:
            the replace index (0-dim int64 tensor). The counter may exceed the capacity.
        """
        samples, _ = _as_list(sample)
        if len(samples) != len(self.features):
            raise ValueError(f"expected {len(self.features)} feature tensor(s), got {len(samples)}")
        r_ind = self.update_sample_weights(learning_rate, init_min_weight, num_init_samples)
        self.previous_replace_ind = r_ind
        idx = r_ind.view(1)
        for buf, s in zip(self.features, samples):
            s = s.reshape((1,) + tuple(buf.shape[1:])).to(device=buf.device, dtype=buf.dtype)
            buf.index_copy_(0, idx, s)
        box = torch.as_tensor(box).reshape(1, 4).to(device=self.boxes.device, dtype=self.boxes.dtype)
        self.boxes.index_copy_(0, idx, box)
        self.num_stored_samples += 1
        return r_ind


class BestSampleBuffer:
    """Best-candidate buffer between training frames (spec §4.4, ``ues_select_sample_strategy``).

    ``offer`` keeps the sample when the buffer is empty or ``score >= best_score``; ``pop`` returns
    the kept ``(sample, box, score)`` and resets (empty, best score -100).
    """

    RESET_SCORE = -100.0

    def __init__(self):
        self.clear()

    def clear(self):
        self.sample = None
        self.box = None
        self.best_score = self.RESET_SCORE

    @property
    def empty(self) -> bool:
        return self.sample is None

    def offer(self, sample, box, score) -> bool:
        """Store ``(sample, box, score)`` if empty or ``score >= best_score``; returns True if stored."""
        score = float(score)
        if self.empty or score >= self.best_score:
            self.sample, self.box, self.best_score = sample, box, score
            return True
        return False

    def pop(self):
        """Return ``(sample, box, score)`` and clear; raises if empty."""
        if self.empty:
            raise RuntimeError("BestSampleBuffer.pop() on an empty buffer")
        out = (self.sample, self.box, self.best_score)
        self.clear()
        return out
