"""FCOT-tiny-mnv3 stage 30 (``fcot_tiny_mnv3_finetune_opencv_wallpapers``): the release (stage 25) continued on more
photographs: the ``train_opencv_wallpapers`` split, ``train_opencv``'s photographs and videos plus 38 photographs of
Debian's desktop-wallpaper packages (:data:`ltr.dataset.synthetic.sources.WALLPAPER_PHOTOS`).

OpenCV's 34 sample photographs are the one new-data lever that moved the network fine-tuned end to end (stages 24
and 25, +3.4 AO on unseen photographs); more of the same split (stage 26) and whole objects (stage 29) did not. This
stage asks whether a further set of unseen photographs adds again. Stage 25's epoch 10 at its starting rates
(backbone 1e-4, heads 2e-4, filter optimisers 1e-4) and schedule (10 epochs of 8000 samples, x0.2 after epochs 7
and 9: 80,000 samples, as stages 24-26 and 29), on 2400 sequences of generator and sampler seed 37 (no other stage's
or evaluation set's); it differs from stage 29 only in the split and the seed::

    apt-get install opencv-doc libturbojpeg0 plasma-workspace-wallpapers lomiri-wallpapers-16.04 \\
        lomiri-wallpapers-20.04 mate-backgrounds
    python -m ltr.dataset.synthetic <workspace>/synthetic_seed37_2400_mixed_opencv_wallpapers \\
        --split train_opencv_wallpapers --num_sequences 2400 --num_frames 60 --size 320 240 --seed 37 \\
        --appearance mixed --workers 2
    cd ltr && python run_training.py fcot fcot_tiny_mnv3_finetune_opencv_wallpapers --workspace_dir <workspace> \\
        --num_workers 1 --threads 2 --no-progress_bar

with stage 25's checkpoints under the same ``<workspace>`` (or ``--init_from`` its ``FCOTNet_ep0010.pth.tar``, or the
stage-25 release ``pytracking/networks/fcot_tiny.pth.tar``). Its adoption rule and result: ``docs/fcot_tiny.md``,
*Stage 30*.
"""
from ltr.train_settings.fcot import recipe
# the modules, not their StageSpecs: a stage module's namespace holds its own stages only (the tests read them there)
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_long as stage24
from ltr.train_settings.fcot import fcot_tiny_mnv3_finetune_opencv_more as stage25

#: Generator and sampler seed of this stage.
SEED = 37

#: The stage: stage 25's rates and schedule from its epoch 10, on train_opencv_wallpapers data of seed 37.
TINY_MNV3_FINETUNE_OPENCV_WALLPAPERS = stage24.fresh_opencv_continuation(
    stage25.TINY_MNV3_FINETUNE_OPENCV_MORE, 'fcot_tiny_mnv3_finetune_opencv_more', seed=SEED,
    split='train_opencv_wallpapers')


def run(settings):
    recipe.run_stage(settings, TINY_MNV3_FINETUNE_OPENCV_WALLPAPERS)
