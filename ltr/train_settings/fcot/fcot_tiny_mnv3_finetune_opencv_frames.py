"""FCOT-tiny-mnv3 stage 31 (``fcot_tiny_mnv3_finetune_opencv_frames``): stage 25, the release of 2026-12-05,
continued with the official number of frames per training sample (3 train + 3 test frames instead of the tiny
recipe's 2 + 1) on a fresh ``train_opencv`` data folder (seed 45). Trained 2026-12-05 on 2 CPU cores (49 minutes,
40,000 samples) and not shipped: +0.25 +- 1.03 AO over the 96 validation sequences against stage 25, its weight
average with stage 25 +0.27 +- 1.09 (``docs/fcot_tiny.md``, *Stage 31*).

Every FCOT-tiny stage so far trained on 2 train frames and 1 test frame per sample (a speed choice of the first tiny
recipe); the official stages use 3 + 3. With 3 train frames the filter optimisers inside the forward learn each
filter from one more view of the target and its surroundings, and with 3 test frames every learnt filter is scored
on three frames, so a look-alike that is in any of the six frames shapes the loss. This stage keeps stage 25's rates
and schedule shape (10 epochs, x0.2 after epochs 7 and 9; backbone 1e-4, heads 2e-4, filter optimisers 1e-4 at the
start) with 4000 samples per epoch: 40,000 samples of 6 frames, the 240,000 crops through the network that stage 26
(80,000 samples of 3 frames, the same continuation with the tiny frame counts; -1.0 +- 1.3 AO over the 96
validation sequences) spent. Generator and sampler seed 45 (no other stage's or evaluation set's seed). The data and
training commands are stage 26's (:mod:`~ltr.train_settings.fcot.fcot_tiny_mnv3_finetune_opencv_further`) with
seed 45 and this stage's name; ``docs/fcot_tiny.md`` (*Stage 31*) gives them as they ran.
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
# the module, not its StageSpec: a stage module's namespace holds its own stages only (the tests read them there)
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_long as stage24
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as stage25

#: Frames per training sample: the official stages' (recipe.COMMON_DEFAULTS), not the tiny recipe's 2 + 1.
TRAIN_FRAMES, TEST_FRAMES = recipe.COMMON_DEFAULTS['num_train_frames'], recipe.COMMON_DEFAULTS['num_test_frames']


def _official_frames(stage: recipe.StageSpec) -> recipe.StageSpec:
    """``stage`` with 3 + 3 frames per sample, 4000 samples per epoch and this stage's description."""
    return replace(stage, defaults=dict(
        stage.defaults, num_train_frames=TRAIN_FRAMES, num_test_frames=TEST_FRAMES, samples_per_epoch=4000,
        description='FCOT-tiny-mnv3 fine-tuned for 10 more epochs (x0.2 after 7 and 9) at stage 19\'s starting rates '
                    'on fresh train_opencv data (seed 45) with 3 train + 3 test frames per sample, continued from '
                    'fcot_tiny_mnv3_finetune_opencv_more epoch 10'))


#: The stage: stage 25's rates and schedule shape from its epoch 10, fresh train_opencv data with seed 45,
#: 3 + 3 frames per sample, 4000 samples per epoch.
TINY_MNV3_FINETUNE_OPENCV_FRAMES = _official_frames(stage24.fresh_opencv_continuation(
    stage25.TINY_MNV3_FINETUNE_OPENCV_MORE, 'fcot_tiny_mnv3_finetune_opencv_more', seed=45))


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_OPENCV_FRAMES)
