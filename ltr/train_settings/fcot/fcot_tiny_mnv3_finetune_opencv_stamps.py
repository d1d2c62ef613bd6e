"""FCOT-tiny-mnv3 stage 29 (``fcot_tiny_mnv3_finetune_opencv_stamps``): the release (stage 25) continued on whole
objects: the ``train_opencv_stamps`` split, ``train_opencv``'s photographs and videos plus Tux Paint's 535 object
cutouts as targets and distractors.

Stage 25 gained +3.4 AO on unseen photographs from OpenCV's sample photographs; stage 26, more of the same split,
gained nothing. The network fine-tuned end to end has never seen a stamp (only stage 15, heads on a frozen backbone,
trained on ``train_stamps``), so this stage asks whether objects of unseen kinds add what more of the same
photographs did not. Stage 25's epoch 10 at its starting rates (backbone 1e-4, heads 2e-4, filter optimisers 1e-4)
and schedule (10 epochs of 8000 samples, x0.2 after epochs 7 and 9: 80,000 samples, as stages 24-26), on 2400
sequences of generator and sampler seed 35 (no other stage's or evaluation set's)::

    apt-get install opencv-doc libturbojpeg0 tuxpaint-stamps-default
    python -m ltr.dataset.synthetic <workspace>/synthetic_seed35_2400_mixed_opencv_stamps \\
        --split train_opencv_stamps --num_sequences 2400 --num_frames 60 --size 320 240 --seed 35 \\
        --appearance mixed --workers 2
    cd ltr && python run_training.py fcot fcot_tiny_mnv3_finetune_opencv_stamps --workspace_dir <workspace> \\
        --num_workers 1 --threads 2 --no-progress_bar

with stage 25's checkpoints under the same ``<workspace>`` (or ``--init_from`` its ``FCOTNet_ep0010.pth.tar``, or the
stage-25 release ``pytracking/networks/fcot_tiny.pth.tar``). Its adoption rule and result: ``docs/fcot_tiny.md``,
*Stage 29*.
"""
from ltr.train_settings.fcot import recipe
# the modules, not their StageSpecs: a stage module's namespace holds its own stages only (the tests read them there)
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_long as stage24
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as stage25

#: Generator and sampler seed of this stage.
SEED = 35

#: The stage: stage 25's rates and schedule from its epoch 10, on train_opencv_stamps data of seed 35.
TINY_MNV3_FINETUNE_OPENCV_STAMPS = stage24.fresh_opencv_continuation(
    stage25.TINY_MNV3_FINETUNE_OPENCV_MORE, 'fcot_tiny_mnv3_finetune_opencv_more', seed=SEED,
    split='train_opencv_stamps')


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_OPENCV_STAMPS)
