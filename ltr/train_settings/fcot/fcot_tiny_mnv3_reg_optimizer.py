"""FCOT-tiny-mnv3 stage 27 (``fcot_tiny_mnv3_reg_optimizer``): the regression optimizer of the stage-25 release,
trained by the official regression-optimizer stage at FCOT-tiny's sizes.

Every FCOT-tiny stage trains the joint actor only (the official 2-stage recipe's first stage), so the regression
model generator's optimizer, ``regressor_72.filter_optimizer`` (two scalars: ``log_step_length``, initialised to
0, and ``filter_reg``, 0.1), has never been trained, and ``demo`` tracks without online regression
(``reg_net_opt_iter=0``, ``reg_init_train_iter=0``, ``reg_net_opt_update_iter=0``). The paper's core contribution is
online regression (its Table 2: +6.1 EAO on VOT2018). This stage is the official second stage
(:data:`~ltr.train_settings.fcot.recipe.STAGE_2S_2`: flags ``train_reg_optimizer`` only, so every other weight is
frozen; :class:`~ltr.actors.fcot.FcotOnlineRegressionActor` with the final iterate weighted 1 and the mean of the
middle iterates 1; Adam on ``regressor_72.filter_optimizer`` at 5e-4; 5 epochs, x0.2 after epoch 2) with
FCOT-tiny's network, crops (128 px), labels, batch (16), 3 optimiser iterations inside the forward and 8000 samples
per epoch (40,000 in all), from the stage-25 release (its ``FCOTNet_ep0010.pth.tar``). The network has no batch
norm, so the two scalars are the only values that change. Data: stage 25's folder (``train_opencv``, generator
seed 27: sequences the released network learnt from, as the official second stage reuses the first stage's
datasets), sampled with sampler seed 31 (no other stage's)::

    apt-get install opencv-doc libturbojpeg0
    python -m ltr.dataset.synthetic <workspace>/synthetic_seed27_2400_mixed_opencv --split train_opencv \\
        --num_sequences 2400 --num_frames 60 --size 320 240 --seed 27 --appearance mixed --workers 2
    cd ltr && python run_training.py fcot fcot_tiny_mnv3_reg_optimizer --workspace_dir <workspace> \\
        --num_workers 1 --threads 2 --no-progress_bar --init_from ../pytracking/networks/fcot_tiny.pth.tar

(without ``--init_from`` it starts from ``fcot_tiny_mnv3_finetune_opencv_more``'s ``FCOTNet_ep0010.pth.tar`` of the
same ``--workspace_dir``, the same weights). Whether the tracker then uses online regression is decided on the
validation sets by the rule in ``docs/fcot_tiny.md`` (*Stage 27*), written before the stage ran.
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
# the module, not its StageSpec: a stage module's namespace holds its own stages only (the tests read them there)
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as stage25

#: Sampler seed of this stage (the data are stage 25's, generator seed 27).
SAMPLER_SEED = 31

#: The stage: the official regression-optimizer stage on the stage-25 network, data and sizes.
TINY_MNV3_REG_OPTIMIZER = replace(
    recipe.STAGE_2S_2, previous_stage=('fcot_tiny_mnv3_finetune_opencv_more', 10),
    defaults=dict(stage25.TINY_MNV3_FINETUNE_OPENCV_MORE.defaults, samples_per_epoch=8000, seed=SAMPLER_SEED,
                  description='FCOT-tiny-mnv3 regression optimizer (official regression-optimizer stage) on the '
                              'stage-25 release, stage 25\'s train_opencv data (seed 27), sampler seed {}'
                              .format(SAMPLER_SEED)))


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_REG_OPTIMIZER)
