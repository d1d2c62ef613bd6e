"""FCOT-tiny-mnv3 stage 22 (``fcot_tiny_mnv3_finetune_opencv``) at stage 19's full starting rates (stage 23).
Written and trained 2026-12-05 on 2 CPU cores (46 minutes); not shipped: +0.9 +- 1.5 AO over the 96 validation
sequences, +1.3 +- 1.0 on the 192 of ``synthetic_val_caer_c`` (``docs/fcot_tiny.md``, *Stage 22*, stage 23 below it).

Stages 20-22 continued the shipped network at a fifth or half of the rates stage 19 started with, and none moved
the unseen-photograph validation sets; stage 19 itself gained its +2.5 AO at its full rates. This stage is stage 22
with one change, each Adam group at the rate it started stage 19 with (backbone 1e-4, heads 2e-4, filter
optimisers 1e-4), on the same data folder and the same sampler seed (25), so it sees exactly stage 22's samples
in stage 22's order::

    cd ltr && python run_training.py fcot fcot_tiny_mnv3_finetune_opencv_lr1 --workspace_dir <workspace> \\
        --threads 2 --init_from ../pytracking/networks/fcot_tiny.pth.tar

(the data command is stage 22's, :mod:`~ltr.train_settings.fcot.fcot_tiny_mnv3_finetune_opencv`).

``--init_from ../pytracking/networks/fcot_tiny.pth.tar`` meant the stage-19 release, replaced since: how to get it
back is at the top of ``docs/fcot_tiny.md``.
"""
from ltr.train_settings.fcot import recipe
from ltr.train_settings.fcot.fcot_tiny_mnv3_finetune_lr1e4 import continued_from_epoch10

#: The stage: stage 22's data and samples, everything trainable at stage 19's starting rates.
TINY_MNV3_FINETUNE_OPENCV_LR1 = continued_from_epoch10(
    1.0, 25, '_seed25_2400_mixed_opencv', split='train_opencv',
    description='FCOT-tiny-mnv3 fine-tuned for 6 more epochs at stage 19\'s starting rates on the train_opencv data '
                'of fcot_tiny_mnv3_finetune_opencv (continued from fcot_tiny_mnv3_finetune_lr1e4 epoch 10)')


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_OPENCV_LR1)
