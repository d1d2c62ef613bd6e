"""FCOT's online regression branch: regression features, model generator, optimizer and regression."""
from typing import List, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F

from ltr.models.layers import filter as filter_layer
from ltr.models.layers.blocks import deformable_head, init_conv_normal_
from ltr.models.layers.prroi_pool import PrRoIPool2D
from ltr.models.target_classifier.initializer import xywh_to_rois


def _init_merge_as_average(conv: nn.Conv2d) -> None:
    """Set a 1x1 conv over ``[a, b]`` (``2 * out`` input channels) to output ``(a + b) / 2``."""
    out_ch = conv.out_channels
    w = torch.zeros_like(conv.weight.data)
    idx = torch.arange(out_ch)
    w[idx, idx, 0, 0] = 0.5
    w[idx, idx + out_ch, 0, 0] = 0.5
    conv.weight.data.copy_(w)
    if conv.bias is not None:
        conv.bias.data.zero_()


class RegFilter(nn.Module):
    """Anchor-free online regression model of FCOT (``regressor_72``).

    Two parts share the decoder features ``feat_36`` (stride 8) and ``feat_72`` (stride 4):

    * **regression features** (``reg_head_36``, ``reg_head_72``, ``reg_head_merge``):
      :meth:`extract_regression_feat` -> ``(N, C, 72, 72)``;
    * **Regression Model Generator** (``reg_initializer_36/72``, PrRoIPool 3x3, ``reg_initializer_merge``):
      :meth:`generate_init_filter` -> an initial model ``(S, 4, C, 3, 3)`` from one annotated frame, refined
      online by ``filter_optimizer`` (:class:`RegSteepestDescentGN`).

    :meth:`regress` applies a model: ``ReLU(X * f)`` -> ``(num_images, S, 4, 72, 72)`` = (l, r, t, b)
    distances in cells (x stride to get input pixels).

    The registration order reproduces the official state_dict order.
    """

    def __init__(self, pool_size: int = 3, filter_dim: int = 4, filter_channel: int = 256,
                 input_features_channel: int = 256, inner_channel: int = 128, feat_stride: int = 4,
                 filter_optimizer: Optional[nn.Module] = None, train_init_only: bool = True, num_groups: int = 32,
                 deformable: bool = True):
        super().__init__()
        self.pool_size = pool_size
        self.filter_dim = filter_dim
        self.filter_channel = filter_channel
        self.feat_stride = feat_stride
        self.train_init_only = train_init_only
        model_channels = filter_dim * filter_channel

        self.filter_optimizer = filter_optimizer
        self.reg_initializer_72 = deformable_head(input_features_channel, inner_channel, model_channels,
                                                  first_conv_bias=False, final=nn.ReLU(inplace=True),
                                                  num_groups=num_groups, deformable=deformable)
        self.reg_initializer_36 = deformable_head(input_features_channel, inner_channel, model_channels,
                                                  first_conv_bias=False, final=nn.ReLU(inplace=True),
                                                  num_groups=num_groups, deformable=deformable)
        self.prroipool_72 = PrRoIPool2D(pool_size, pool_size, 1.0 / feat_stride)
        self.prroipool_36 = PrRoIPool2D(pool_size, pool_size, 1.0 / (2 * feat_stride))
        self.reg_initializer_merge = nn.Conv2d(2 * model_channels, model_channels, kernel_size=1, bias=False)
        self.reg_head_72 = deformable_head(input_features_channel, inner_channel, filter_channel,
                                           first_conv_bias=False, final=nn.ReLU(inplace=True),
                                                  num_groups=num_groups, deformable=deformable)
        self.reg_head_36 = deformable_head(input_features_channel, inner_channel, filter_channel,
                                           first_conv_bias=False, final=nn.ReLU(inplace=True),
                                                  num_groups=num_groups, deformable=deformable)
        self.reg_head_merge = nn.Conv2d(2 * filter_channel, filter_channel, kernel_size=1, bias=True)

        init_conv_normal_(self)
        _init_merge_as_average(self.reg_initializer_merge)
        _init_merge_as_average(self.reg_head_merge)

    def extract_regression_feat(self, feat_36: torch.Tensor, feat_72: torch.Tensor,
                                num_sequences: Optional[int] = None) -> torch.Tensor:
        """Regression features.

        Args:
            feat_36: ``(N, C_in, H/2, W/2)`` decoder features (stride 8).
            feat_72: ``(N, C_in, H, W)`` decoder features (stride 4).
        Returns:
            ``(N, C, H, W)`` or ``(N / S, S, C, H, W)`` when ``num_sequences=S``. The 36 branch is
            upsampled with **nearest** interpolation (official behaviour), then concatenated before the
            72 branch and merged by a 1x1 conv.
        """
        feat_36 = feat_36.reshape(-1, *feat_36.shape[-3:])
        feat_72 = feat_72.reshape(-1, *feat_72.shape[-3:])
        a = F.interpolate(self.reg_head_36(feat_36), size=feat_72.shape[-2:], mode='nearest')
        b = self.reg_head_72(feat_72)
        x = self.reg_head_merge(torch.cat((a, b), dim=1))
        if num_sequences is None:
            return x
        return x.reshape(-1, num_sequences, *x.shape[-3:])

    def generate_init_filter(self, feat_36: torch.Tensor, feat_72: torch.Tensor, bb: torch.Tensor) -> torch.Tensor:
        """Regression Model Generator.

        Args:
            feat_36: ``(N, C_in, H/2, W/2)``; feat_72: ``(N, C_in, H, W)`` decoder features of N frames.
            bb: ``(N, 4)`` target boxes ``[x, y, w, h]`` in input-image pixels.
        Returns:
            ``(N, filter_dim, filter_channel, pool, pool)``: channel ``c`` of the merged pooled map becomes
            (offset dim ``c // filter_channel``, feature channel ``c % filter_channel``).
        """
        rois = xywh_to_rois(bb.reshape(-1, 4))
        p36 = self.prroipool_36(self.reg_initializer_36(feat_36.reshape(-1, *feat_36.shape[-3:])), rois)
        p72 = self.prroipool_72(self.reg_initializer_72(feat_72.reshape(-1, *feat_72.shape[-3:])), rois)
        f = self.reg_initializer_merge(torch.cat((p36, p72), dim=1))
        return f.reshape(f.shape[0], self.filter_dim, self.filter_channel, *f.shape[-2:])

    def regress(self, weights: torch.Tensor, feat: torch.Tensor) -> torch.Tensor:
        """``ReLU(X * f)``: ``weights (S, 4, C, k, k)``, ``feat (num_images, S, C, H, W)`` ->
        ``(num_images, S, 4, H, W)`` distances (l, r, t, b) in cells."""
        return F.relu(filter_layer.apply_filter(feat, weights))

    def forward(self, train_feat_36: torch.Tensor, test_feat_36: torch.Tensor, train_feat_72: torch.Tensor,
                test_feat_72: torch.Tensor, train_bb: torch.Tensor, *args, **kwargs
                ) -> Union[torch.Tensor, List[torch.Tensor]]:
        """Training forward.

        Args:
            train_feat_36/test_feat_36: ``(num_images * S, C_in, H/2, W/2)``;
            train_feat_72/test_feat_72: ``(num_images * S, C_in, H, W)``;
            train_bb: ``(num_train_images, S, 4)`` boxes ``[x, y, w, h]``.
        Returns:
            ``train_init_only``: offsets of the initial model (built from train frame 0) on the test frames,
            ``(num_test_images, S, 4, H, W)``; otherwise the list of offsets of every optimizer iterate
            (the optimizer runs on all train frames).
        """
        num_sequences = train_bb.shape[1]
        test_reg_feat = self.extract_regression_feat(test_feat_36, test_feat_72, num_sequences)
        f36 = train_feat_36.reshape(-1, num_sequences, *train_feat_36.shape[-3:])
        f72 = train_feat_72.reshape(-1, num_sequences, *train_feat_72.shape[-3:])
        init_filter = self.generate_init_filter(f36[0], f72[0], train_bb[0])
        if self.train_init_only:
            return self.regress(init_filter, test_reg_feat)
        train_reg_feat = self.extract_regression_feat(train_feat_36, train_feat_72, num_sequences)
        _, filter_iter, _ = self.filter_optimizer(init_filter, train_reg_feat, train_bb, *args, **kwargs)
        return [self.regress(f, test_reg_feat) for f in filter_iter]
