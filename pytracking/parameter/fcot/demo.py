"""FCOT-tiny, the real-time CPU model shipped with the package (``pytracking/networks/fcot_tiny.pth.tar``).

The official tracking recipe (``base.COMMON``) at the tiny network's crop size, with boxes clamped inside the
image. Values that differ from the official files and why:

* ``image_sample_size=128``: the crop FCOT-tiny was trained on (official 288);
* ``clamp_box_per_axis=True``: boxes stay inside the image (official clamps both axes to ``[1, max(H, W)]``);
* ``reg_net_opt_iter=0``, ``reg_init_train_iter=0``, ``reg_net_opt_update_iter=0``: the regression model stays the
  one the Regression Model Generator predicts on the first frame; FCOT-tiny was trained in one joint stage, so its
  online regression optimizer (two scalars, trained in a separate official stage) is untrained;
* ``size_update_rate=0.3``: the target size follows the regressed box geometrically damped (not official): the tiny
  regressor's size estimate is noisy from frame to frame and, undamped, can shrink the search region until the
  target is lost (AO 0.257 -> 0.283 on 8 validation sequences of the training photographs, seed 1);
* ``init_train_iter=2``, ``init_train_iter_72=2`` (official 6): the first five frames refine the classifiers with
  2 steepest-descent iterations each; FCOT-tiny was trained with 3 iterations inside its forward, and more online
  iterations overfit it (AO 0.443 vs 0.431 on 24 validation sequences of the training photographs, seed 1) and cost
  time (45.7 vs 42.8 FPS);
* ``channels_last=True``: NHWC convolutions, faster on the CPU (same maths);
* ``fold_batchnorm=True``: the backbone's 15 BatchNorm layers folded into their convolutions (same function up to
  float rounding, features within 2e-5): validation AO 38.1 either way (24 sequences of ``synthetic_val``), the
  network about 10 % faster;
* ``seed=0``: the random shifts of the first-frame augmentation are reproducible, so runs are deterministic.

Usage: ``cd pytracking && python run_tracker.py fcot demo --dataset got10k_val``.
"""
from pytracking.networks import shipped_network_path
from pytracking.parameter.fcot.base import fcot_parameters

#: The values that differ from :data:`pytracking.parameter.fcot.base.COMMON` (see the module docstring).
DEMO_OVERRIDES = dict(image_sample_size=128, clamp_box_per_axis=True,
                      reg_net_opt_iter=0, reg_init_train_iter=0, reg_net_opt_update_iter=0,
                      init_train_iter=2, init_train_iter_72=2,
                      size_update_rate=0.3, channels_last=True, fold_batchnorm=True, seed=0)


def parameters():
    return fcot_parameters(net=shipped_network_path('fcot_tiny.pth.tar', check=False), **DEMO_OVERRIDES)
