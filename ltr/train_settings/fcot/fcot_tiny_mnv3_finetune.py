"""FCOT-tiny-mnv3 fine-tuned end to end: the shipped model (``fcot_tiny_mnv3_stage2`` epoch 10) with its MobileNetV3
backbone unfrozen, trained on a GPU session.

Every tiny stage since the MobileNetV3 arrived kept the COCO-trained backbone frozen; the last one that only trained
the heads (``fcot_tiny_mnv3_stage3``, 40,000 more samples at the same rates) moved the unseen-photograph validation
AO by -0.9 +- 1.2. What is left to learn from is the backbone: this stage lets it adapt to tracking at a tenth of the
heads' rate, from the heads where the shipped model left them, with enough samples (a GPU session trains about ten
times faster than the 2-core CPU machine) that the heads settle on the moving features.

Same network, losses, crops (128 px), labels, batch (16) and optimiser iterations as every FCOT-tiny stage. Adam with
the heads' groups at a fifth of the first stages' rates (2e-4, the filter optimisers 1e-4) and the backbone at
:data:`BACKBONE_LR` (2e-5); 10 epochs of 8000 samples, x0.2 after epochs 7 and 9, sampler seed 19. Data: split
``train``, mixed appearance, 2400 sequences x 60 frames, **seed 19** (no other stage's, validation or test set's
seed), generated on first use into ``<workspace>/synthetic_seed19_2400_mixed/``. The backbone weights come from the
initial checkpoint (no converted MobileNetV3 file is read)::

    git show 2bee85d:pytracking/networks/fcot_tiny.pth.tar > fcot_tiny_stage16.pth.tar   # the release it started from
    cd ltr && python run_training.py fcot fcot_tiny_mnv3_finetune --num_workers 7 \\
        --init_from ../fcot_tiny_stage16.pth.tar

(without ``--init_from`` it starts from ``fcot_tiny_mnv3_stage2``'s ``FCOTNet_ep0010.pth.tar`` of the same
``--workspace_dir``, the same weights; the shipped file is the fine-tuned stage 19 since 2026-12-04).
:mod:`~ltr.train_settings.fcot.fcot_tiny_mnv3_finetune_lr1e4` is the same stage with the backbone at 1e-4. Which
of them, if any, replaces the shipped model is decided on the validation sets by the rule written in
``docs/fcot_tiny.md`` before they were evaluated.
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
from ltr.train_settings.fcot.fcot_tiny import SYNTHETIC_PARAMS
from ltr.train_settings.fcot.fcot_tiny_mnv3 import MNV3_NET_OPTIONS
from ltr.train_settings.fcot.fcot_tiny_mnv3_stage2 import TINY_MNV3_STAGE2

#: The data of this stage: split 'train', 2400 sequences x 60 frames, seed 19, mixed appearance.
FINETUNE_DATA_PARAMS = dict(SYNTHETIC_PARAMS, num_sequences=2400, seed=19, appearance='mixed')

#: Learning rate of the unfrozen MobileNetV3 backbone (a tenth of the heads').
BACKBONE_LR = 2e-5

#: Learning rates of the heads: the first stages' groups at a fifth of their rates.
HEAD_LR_FACTOR = 0.2


def finetune_stage(backbone_lr: float, description: str) -> recipe.StageSpec:
    """The shipped model's stage continued with the backbone trainable at ``backbone_lr`` (Adam)."""
    heads = [(paths, lr * HEAD_LR_FACTOR) for paths, lr in TINY_MNV3_STAGE2.param_groups]
    stage = recipe.continued_stage(
        TINY_MNV3_STAGE2, 'fcot_tiny_mnv3_stage2', total_epochs=10, milestones=[7, 9],
        synthetic_params=FINETUNE_DATA_PARAMS, synthetic_dir_suffix='_seed19_2400_mixed', seed=19,
        samples_per_epoch=8000, backbone_pretrained=False,
        net_options=dict(MNV3_NET_OPTIONS, freeze_backbone=False), description=description)
    return replace(stage, init='previous', param_groups=heads + [('feature_extractor', float(backbone_lr))])


#: Fine-tuning stage: backbone at 2e-5, heads at 2e-4 / 1e-4, 10 x 8000 samples, from the shipped model.
TINY_MNV3_FINETUNE = finetune_stage(
    BACKBONE_LR, 'FCOT-tiny-mnv3 fine-tuned end to end (backbone lr 2e-5) on 2400 mixed-appearance train sequences '
                 '(continued from fcot_tiny_mnv3_stage2 epoch 10)')


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE)
