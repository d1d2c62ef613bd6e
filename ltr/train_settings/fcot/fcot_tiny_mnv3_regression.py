"""FCOT-tiny-mnv3 stage 28 (``fcot_tiny_mnv3_regression``): the regression heads of the stage-25 release trained on
their own, on fixed features.

In every FCOT-tiny stage the regression branch shares the backbone and the decoder with both classifiers, whose
loss terms (weights 100 / 100 / 400 each) shape the shared features; the regressor's IoU at the target centre rose
from 0.728 to 0.747 over stages 24 and 25, most of it after each learning-rate cut, while the validation AO is made
of box precision as much as of robustness. This stage trains ``regressor_72`` (its head, initializer and filter
layers; not the optimizer scalars, which the joint actor never uses) and nothing else: the backbone, the decoder
pyramids and both classifiers are frozen (``frozen_modules``), so the classifiers' score maps are exactly the
release's and only the boxes can change. Stage 25's actor, losses (the classifier terms carry no gradient),
network, crops (128 px), batch (16) and labels; Adam on ``regressor_72`` at 5e-4 (2.5x its stage-25 rate: the
heads alone, on features that no longer move); 5 epochs of 8000 samples, x0.2 after epoch 4; from the stage-25
release, on the ``train_opencv`` data of generator seed 29 (stage 26's folder, which the release never saw),
sampler seed 33 (no other stage's)::

    apt-get install opencv-doc libturbojpeg0
    python -m ltr.dataset.synthetic <workspace>/synthetic_seed29_2400_mixed_opencv --split train_opencv \\
        --num_sequences 2400 --num_frames 60 --size 320 240 --seed 29 --appearance mixed --workers 2
    cd ltr && python run_training.py fcot fcot_tiny_mnv3_regression --workspace_dir <workspace> \\
        --num_workers 1 --threads 2 --no-progress_bar --init_from ../pytracking/networks/fcot_tiny.pth.tar

Whether it replaces the release is decided by the rule in ``docs/fcot_tiny.md`` (*Stage 28*), written before the
stage ran.
"""
from dataclasses import replace

from ltr.train_settings.fcot import recipe
# the module, not its StageSpec: a stage module's namespace holds its own stages only (the tests read them there)
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_further as stage26
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as stage25

#: The modules kept fixed: everything but the regression branch.
FROZEN_MODULES = ('feature_extractor', 'pyramid_first_conv', 'pyramid_36', 'pyramid_72', 'classifier_72',
                  'classifier_18')

#: The regression heads' Adam rate (stage 25: 2e-4).
REGRESSION_LR = 5e-4

#: The stage: stage 25's network and losses, only regressor_72 trainable, on stage 26's data with sampler seed 33.
TINY_MNV3_REGRESSION = replace(
    recipe.continued_stage(
        stage25.TINY_MNV3_FINETUNE_OPENCV_MORE, 'fcot_tiny_mnv3_finetune_opencv_more', total_epochs=5,
        milestones=[4], synthetic_params=stage26.TINY_MNV3_FINETUNE_OPENCV_FURTHER.defaults['synthetic_params'],
        synthetic_dir_suffix=stage26.TINY_MNV3_FINETUNE_OPENCV_FURTHER.defaults['synthetic_dir_suffix'], seed=33,
        frozen_modules=FROZEN_MODULES,
        description='FCOT-tiny-mnv3 regression heads trained alone (backbone, decoder and classifiers frozen) from '
                    'the stage-25 release on train_opencv data of seed 29, sampler seed 33'),
    param_groups=[('regressor_72', REGRESSION_LR)])


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_REGRESSION)
