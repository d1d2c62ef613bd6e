"""FCOT: Fully Convolutional Online Tracking network (``FCOTNet``) and its constructor ``fcotnet``.

Data flow for one search image of 288x288 (training adds leading ``(num_images, num_sequences)`` dims)::

    backbone (ResNet)          layer1 (256,72,72)  layer2 (512,36,36)  layer3 (1024,18,18)
    classifier_18              layer3 -> head (512,18,18) -> filter (512,4,4) -> scores (19,19)
    decoder (pyramid_*)        feat_18 (256,18,18) -> feat_36 (256,36,36) -> feat_72 (256,72,72)
    classifier_72              feat_72 -> head (256,72,72) -> filter (256,4,4) -> scores (73,73)
    regressor_72               feat_36 + feat_72 -> reg features (256,72,72); model (4,256,3,3)
                               -> offsets (4,72,72) = (l, r, t, b) in cells of 4 px

Boxes are ``[x, y, w, h]`` in input-image (crop) pixels, 0-based.
"""
from collections import OrderedDict
from typing import Dict, Iterable, Optional

import torch
import torch.nn as nn

from ltr.admin.model_constructor import model_constructor
from ltr.models.backbone import mobilenetv3
from ltr.models.backbone import resnet as backbones
from ltr.models.decoder.up_features import FPNUpBlock
from ltr.models.target_classifier import features as clf_features
from ltr.models.target_classifier.initializer import FilterInitializerLinear
from ltr.models.target_classifier.linear_filter import LinearFilter
from ltr.models.target_classifier.optimizer import DiMPSteepestDescentGN
from ltr.models.target_regression.optimizer import RegSteepestDescentGN
from ltr.models.target_regression.reg_online_filter import RegFilter

BACKBONES = {'resnet50': backbones.resnet50, 'resnet18': backbones.resnet18,
             'mobilenetv3_large_075': mobilenetv3.mobilenetv3_large_075}


class FCOTNet(nn.Module):
    """The FCOT network.

    Registration order (= official state_dict order): ``feature_extractor``, ``classifier_18``,
    ``classifier_72``, ``regressor_72``, ``pyramid_first_conv``, ``pyramid_36``, ``pyramid_72``.
    """

    def __init__(self, feature_extractor: nn.Module, classifier_18: LinearFilter, classifier_72: LinearFilter,
                 regressor_72: RegFilter, pyramid_first_conv: FPNUpBlock, pyramid_36: FPNUpBlock,
                 pyramid_72: FPNUpBlock, classification_layer='layer3'):
        super().__init__()
        self.feature_extractor = feature_extractor
        self.classifier_18 = classifier_18
        self.classifier_72 = classifier_72
        self.regressor_72 = regressor_72
        self.pyramid_first_conv = pyramid_first_conv
        self.pyramid_36 = pyramid_36
        self.pyramid_72 = pyramid_72
        self.classification_layer = [classification_layer] if isinstance(classification_layer, str) else list(classification_layer)
        self.output_layers = ['layer1', 'layer2', 'layer3']

    # ------------------------------------------------------------------ training
    def forward(self, train_imgs: torch.Tensor, test_imgs: torch.Tensor, train_bb: torch.Tensor, *args, **kwargs):
        """Training forward.

        Args:
            train_imgs: ``(num_train, S, 3, H, W)``; test_imgs: ``(num_test, S, 3, H, W)`` normalised images.
            train_bb: ``(num_train, S, 4)`` boxes ``[x, y, w, h]`` in crop pixels.
        Returns:
            ``(scores_18, scores_72, offsets)``: ``scores_18`` list of ``1 + optim_iter`` tensors
            ``(num_test, S, H/16+1, W/16+1)``; ``scores_72`` list of ``(num_test, S, H/4+1, W/4+1)``;
            ``offsets`` ``(num_test, S, 4, H/4, W/4)`` (stage with ``train_cls_72_and_reg_init``) or a list of
            ``1 + 5`` such tensors (regression-optimizer stages).
        """
        if train_imgs.dim() != 5 or test_imgs.dim() != 5:
            raise ValueError(f"expected 5-D images (num_images, num_sequences, 3, H, W), got train "
                             f"{tuple(train_imgs.shape)} and test {tuple(test_imgs.shape)}")
        # The backbone runs on train and test images separately (this matters for BN batch statistics).
        train_feat = self.extract_backbone_features(train_imgs.reshape(-1, *train_imgs.shape[-3:]))
        test_feat = self.extract_backbone_features(test_imgs.reshape(-1, *test_imgs.shape[-3:]))
        scores_18 = self.classifier_18(train_feat['layer3'], test_feat['layer3'], train_bb)
        train_36, train_72 = self.extract_decoder_features(train_feat)
        test_36, test_72 = self.extract_decoder_features(test_feat)
        scores_72 = self.classifier_72(train_72, test_72, train_bb)
        offsets = self.regressor_72(train_36, test_36, train_72, test_72, train_bb)
        return scores_18, scores_72, offsets

    # ------------------------------------------------------------------ feature extraction
    def extract_backbone_features(self, im: torch.Tensor, layers: Optional[Iterable[str]] = None) -> 'OrderedDict[str, torch.Tensor]':
        """``(N, 3, H, W)`` normalised images -> OrderedDict of backbone layers (default layer1..3)."""
        return self.feature_extractor(im, self.output_layers if layers is None else layers)

    def extract_decoder_features(self, backbone_feat: Dict[str, torch.Tensor]):
        """Decoder: returns ``(feat_36, feat_72)``: ``(N, 256, H/8, W/8)`` and ``(N, 256, H/4, W/4)``."""
        feat_18 = self.pyramid_first_conv(None, backbone_feat['layer3'])
        feat_36 = self.pyramid_36(feat_18, backbone_feat['layer2'])
        feat_72 = self.pyramid_72(feat_36, backbone_feat['layer1'])
        return feat_36, feat_72

    def extract_tracking_features(self, im: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Everything the online tracker needs from ``(N, 3, H, W)`` normalised images.

        Returns a dict: ``clf_18`` ``(N, 512, H/16, W/16)``, ``clf_72`` ``(N, 256, H/4, W/4)``,
        ``reg_72`` ``(N, 256, H/4, W/4)``, ``feat_36`` ``(N, 256, H/8, W/8)``, ``feat_72`` ``(N, 256, H/4, W/4)``.
        """
        backbone_feat = self.extract_backbone_features(im)
        feat_36, feat_72 = self.extract_decoder_features(backbone_feat)
        return {'clf_18': self.classifier_18.extract_classification_feat(backbone_feat['layer3']),
                'clf_72': self.classifier_72.extract_classification_feat(feat_72),
                'reg_72': self.regressor_72.extract_regression_feat(feat_36, feat_72),
                'feat_36': feat_36, 'feat_72': feat_72}


def _set_requires_grad(module: nn.Module, flag: bool) -> None:
    for p in module.parameters():
        p.requires_grad_(flag)


def configure_training_stage(net: FCOTNet, train_cls_72_and_reg_init: bool, train_reg_optimizer: bool,
                             train_cls_18: bool) -> None:
    """Set ``requires_grad`` for the official training stages (spec §3.4).

    * ``train_reg_optimizer``: only ``regressor_72.filter_optimizer`` is trained;
    * ``train_cls_72_and_reg_init`` (+ ``train_cls_18``): everything but classifier_18 (resp. everything);
    * ``train_cls_18`` alone: only ``classifier_18``;
    * no flag: everything.

    Parameters that never receive a gradient in a stage are frozen too (the backbone's unused
    ``layer4``/``fc``, and in the cls-72 stage the regression optimizer's two scalars): the official code
    left them trainable, but as Adam skips parameters without gradient the training is identical.
    """
    _set_requires_grad(net, True)
    if train_reg_optimizer:
        _set_requires_grad(net, False)
        _set_requires_grad(net.regressor_72.filter_optimizer, True)
    elif train_cls_72_and_reg_init:
        _set_requires_grad(net.regressor_72.filter_optimizer, False)
        if not train_cls_18:
            _set_requires_grad(net.classifier_18, False)
    elif train_cls_18:
        _set_requires_grad(net, False)
        _set_requires_grad(net.classifier_18, True)
    if not getattr(net.feature_extractor, 'truncated', False):
        _set_requires_grad(net.feature_extractor.layer4, False)
        _set_requires_grad(net.feature_extractor.fc, False)


@model_constructor
def fcotnet(clf_filter_size=4, reg_filter_size=3, optim_iter=5, optim_init_step=1.0, optim_init_reg=0.01,
            classification_layer='layer3', feat_stride=16, backbone_pretrained=True, clf_feat_blocks=0,
            clf_feat_norm=True, init_filter_norm=False, final_conv=True, out_feature_dim=512,
            norm_scale_coef=2, init_gauss_sigma=1.0, num_dist_bins=5, bin_displacement=1.0, mask_init_factor=4.0,
            score_act='relu', act_param=None, target_mask_act='sigmoid', detach_length=float('Inf'),
            train_cls_72_and_reg_init=True, train_reg_optimizer=False, train_cls_18=False,
            backbone='resnet50', fix_reg_label_transpose=False, backbone_width=64, truncate_backbone=False,
            decoder_dim=256, clf72_inner_dim=128, reg_inner_dim=128, reg_filter_channel=None, head_norm_groups=32,
            deformable_heads=True, freeze_backbone=False):
    """Build FCOT with the official keyword arguments (spec §1.1).

    Extra (non-official) options; their defaults give exactly the official network (414 state_dict entries):
        backbone: ``'resnet50'`` (official) or ``'resnet18'`` (layer1/2/3 = 64/128/256 channels; for CPU training).
        fix_reg_label_transpose: place the online regression label at (row = y, col = x). Default ``False``
            reproduces the official transposed placement (the released weights were trained with it).
        backbone_width: channels of the backbone's ``conv1`` (64); every stage scales with it.
        truncate_backbone: build the backbone without ``layer4``/``avgpool``/``fc`` (never run by FCOT; the
            official network keeps them, so its checkpoints carry them).
        decoder_dim: channels of the decoder (``pyramid_*``) and of the stride-4 classification features (256).
        clf72_inner_dim: inner channels of the stride-4 classification head (128).
        reg_inner_dim: inner channels of the four regression heads / initializers (128).
        reg_filter_channel: channels of the regression features and model (None: ``decoder_dim``, official 256).
        head_norm_groups: GroupNorm groups in the deformable heads (32); must divide both inner widths.
        deformable_heads: DCNv2 in the stride-4 heads (official). ``False`` uses plain 3x3 convolutions there (an
            architecture change, not the official network: several times cheaper on the CPU).
        backbone ``'mobilenetv3_large_075'``: MB3-CenterNet's COCO-trained MobileNetV3-Large x0.75 up to stride 16
            (layer1/2/3 = 24/32/88 channels; :mod:`ltr.models.backbone.mobilenetv3`); ``backbone_width`` must stay 64.
        freeze_backbone: no backbone parameter is trained in any stage (``requires_grad=False``); default ``False``
            (official: the backbone trains with the stage's flags).
    The stride-16 classification feature width is the official ``out_feature_dim`` (512).
    """
    if backbone not in BACKBONES:
        raise ValueError(f"backbone={backbone!r}; allowed: {sorted(BACKBONES)}")
    reg_filter_channel = decoder_dim if reg_filter_channel is None else reg_filter_channel
    widths = {'backbone_width': backbone_width, 'decoder_dim': decoder_dim, 'clf72_inner_dim': clf72_inner_dim,
              'reg_inner_dim': reg_inner_dim, 'reg_filter_channel': reg_filter_channel,
              'out_feature_dim': out_feature_dim, 'head_norm_groups': head_norm_groups}
    bad = {k: v for k, v in widths.items() if not isinstance(v, int) or isinstance(v, bool) or v < 1}
    if bad:
        raise ValueError(f"width options must be positive integers, got {bad}")
    for name in ('clf72_inner_dim', 'reg_inner_dim'):
        if widths[name] % head_norm_groups != 0:
            raise ValueError(f"{name}={widths[name]} is not divisible by head_norm_groups={head_norm_groups}")
    if clf_feat_blocks != 0 or not final_conv or not clf_feat_norm:
        raise ValueError("FCOT's classification heads need clf_feat_blocks=0, final_conv=True, clf_feat_norm=True; "
                         f"got clf_feat_blocks={clf_feat_blocks}, final_conv={final_conv}, clf_feat_norm={clf_feat_norm}")
    if classification_layer != 'layer3' or feat_stride != 16:
        raise ValueError(f"FCOT classifies layer3 at stride 16; got classification_layer={classification_layer!r}, "
                         f"feat_stride={feat_stride}")
    backbone_net = BACKBONES[backbone](output_layers=['layer1', 'layer2', 'layer3'], pretrained=backbone_pretrained,
                                       base_width=backbone_width, truncate_after_layer3=truncate_backbone)
    ch = backbone_net.out_channels
    stride_72 = feat_stride // 4

    def clf_optimizer(stride):
        return DiMPSteepestDescentGN(num_iter=optim_iter, feat_stride=stride, init_step_length=optim_init_step,
                                     init_filter_reg=optim_init_reg, init_gauss_sigma=init_gauss_sigma,
                                     num_dist_bins=num_dist_bins, bin_displacement=bin_displacement,
                                     mask_init_factor=mask_init_factor, score_act=score_act, act_param=act_param,
                                     mask_act=target_mask_act, detach_length=detach_length)

    classifier_18 = LinearFilter(
        filter_size=clf_filter_size,
        filter_initializer=FilterInitializerLinear(clf_filter_size, out_feature_dim, feat_stride,
                                                   filter_norm=init_filter_norm),
        filter_optimizer=clf_optimizer(feat_stride),
        feature_extractor=clf_features.clf_head_18(ch['layer3'], out_feature_dim,
                                                   clf_features.clf18_norm_scale(out_feature_dim, clf_filter_size)))
    classifier_72 = LinearFilter(
        filter_size=clf_filter_size,
        filter_initializer=FilterInitializerLinear(clf_filter_size, decoder_dim, stride_72, filter_norm=init_filter_norm),
        filter_optimizer=clf_optimizer(stride_72),
        feature_extractor=clf_features.clf_head_72(decoder_dim, clf72_inner_dim, decoder_dim,
                                                   clf_features.clf72_norm_scale(decoder_dim, clf_filter_size,
                                                                                 norm_scale_coef),
                                                   num_groups=head_norm_groups, deformable=deformable_heads))
    reg_optimizer = RegSteepestDescentGN(num_iter=optim_iter, feat_stride=stride_72, init_step_length=1.0,
                                         init_filter_reg=optim_init_reg, detach_length=detach_length,
                                         transposed_label=not fix_reg_label_transpose)
    regressor_72 = RegFilter(pool_size=reg_filter_size, filter_dim=4, filter_channel=reg_filter_channel,
                             input_features_channel=decoder_dim, inner_channel=reg_inner_dim, feat_stride=stride_72,
                             filter_optimizer=reg_optimizer, train_init_only=train_cls_72_and_reg_init,
                             num_groups=head_norm_groups, deformable=deformable_heads)
    net = FCOTNet(feature_extractor=backbone_net, classifier_18=classifier_18, classifier_72=classifier_72,
                  regressor_72=regressor_72,
                  pyramid_first_conv=FPNUpBlock(ch['layer3'], decoder_dim, smooth_output=False, first_conv=True),
                  pyramid_36=FPNUpBlock(ch['layer2'], decoder_dim, smooth_output=False),
                  pyramid_72=FPNUpBlock(ch['layer1'], decoder_dim, smooth_output=True),
                  classification_layer=classification_layer)
    configure_training_stage(net, train_cls_72_and_reg_init, train_reg_optimizer, train_cls_18)
    if freeze_backbone:
        _set_requires_grad(net.feature_extractor, False)
    return net
