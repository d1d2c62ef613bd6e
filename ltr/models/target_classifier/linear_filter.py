"""Target classifier = feature head + filter initializer + filter optimizer (DiMP's LinearFilter)."""
from typing import List, Optional, Tuple

import torch
import torch.nn as nn

from ltr.models.layers import filter as filter_layer
from ltr.models.layers.blocks import init_conv_normal_


class LinearFilter(nn.Module):
    """A linear correlation-filter classifier learned from a few annotated frames.

    Registration order (= state_dict order): ``filter_initializer``, ``filter_optimizer``, ``feature_extractor``.

    Args:
        filter_size: spatial size of the filter (4 in FCOT).
        filter_initializer: ``(feat, bb) -> (num_sequences, C, fs, fs)``.
        filter_optimizer: e.g. :class:`DiMPSteepestDescentGN`; ``None`` keeps the initial filter.
        feature_extractor: classification head applied to the input features.
    """

    def __init__(self, filter_size: int, filter_initializer: nn.Module, filter_optimizer: Optional[nn.Module] = None,
                 feature_extractor: Optional[nn.Module] = None):
        super().__init__()
        self.filter_size = filter_size
        self.filter_initializer = filter_initializer
        self.filter_optimizer = filter_optimizer
        self.feature_extractor = feature_extractor
        if self.feature_extractor is not None:
            init_conv_normal_(self.feature_extractor)

    def forward(self, train_feat: torch.Tensor, test_feat: torch.Tensor, train_bb: torch.Tensor,
                *args, **kwargs) -> List[torch.Tensor]:
        """Learn the filter on the train frames and score the test frames with every iterate.

        Args:
            train_feat: ``(num_train_images * num_sequences, C_in, H, W)`` (or 5-D).
            test_feat: ``(num_test_images * num_sequences, C_in, H, W)`` (or 5-D).
            train_bb: ``(num_train_images, num_sequences, 4)`` boxes ``[x, y, w, h]``, input pixels.
        Returns:
            list (one per filter iterate, ``1 + num_iter`` entries) of ``(num_test_images, num_sequences, H', W')``.
        """
        if train_bb.dim() != 3:
            raise ValueError(f"train_bb must be (num_images, num_sequences, 4), got shape {tuple(train_bb.shape)}")
        num_sequences = train_bb.shape[1]
        train_feat = self.extract_classification_feat(train_feat, num_sequences)
        test_feat = self.extract_classification_feat(test_feat, num_sequences)
        _, filter_iter, _ = self.get_filter(train_feat, train_bb, *args, **kwargs)
        return [self.classify(f, test_feat) for f in filter_iter]

    def extract_classification_feat(self, feat: torch.Tensor, num_sequences: Optional[int] = None) -> torch.Tensor:
        """``(N, C_in, H, W)`` -> head output ``(N, C, H, W)``, or ``(N / S, S, C, H, W)`` when ``num_sequences=S``."""
        if feat.dim() == 5:
            feat = feat.reshape(-1, *feat.shape[-3:])
        if self.feature_extractor is not None:
            feat = self.feature_extractor(feat)
        if num_sequences is None:
            return feat
        return feat.reshape(-1, num_sequences, *feat.shape[-3:])

    def classify(self, weights: torch.Tensor, feat: torch.Tensor) -> torch.Tensor:
        """Scores ``(num_images, num_sequences, H', W')`` of ``feat (num_images, num_sequences, C, H, W)``
        under filter ``weights (num_sequences, C, fs, fs)``."""
        return filter_layer.apply_filter(feat, weights)

    def get_filter(self, feat: torch.Tensor, bb: torch.Tensor, *args, **kwargs
                   ) -> Tuple[torch.Tensor, List[torch.Tensor], List[torch.Tensor]]:
        """Initial filter from ``feat (num_images, num_sequences, C, H, W)`` and ``bb (num_images, num_sequences, 4)``,
        refined by the optimizer. Returns ``(filter, iterates, losses)``; extra args go to the optimizer
        (``sample_weight``, ``num_iter``, ``compute_losses``)."""
        weights = self.filter_initializer(feat, bb)
        if self.filter_optimizer is None:
            return weights, [weights], []
        return self.filter_optimizer(weights, feat, bb, *args, **kwargs)
