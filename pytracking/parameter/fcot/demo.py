"""FCOT-tiny, the real-time CPU model shipped with the package (``pytracking/networks/fcot_tiny.pth.tar``).

The official tracking recipe (``base.COMMON``) at the tiny network's crop size, with boxes clamped inside the
image. Values that differ from the official files and why (validation numbers: ``docs/fcot_tiny.md``). They were
chosen with the earlier ResNet-18 FCOT-tiny releases and kept unchanged for the current MobileNetV3 one:

* ``image_sample_size=96``, ``search_area_scale=3.375`` (official 288 and 4.5): FCOT-tiny was trained on 128-pixel
  crops over 5.0 target sizes; tracking on 96-pixel crops over 3.375 target sizes shows the target as large in crop
  pixels as the official tracking factor 4.5 does on the training crops (96 / 3.375 = 128 / 4.5; the official
  relation between training at 5.0 and tracking at 4.5), with less context around it. Chosen on the validation set (``compare_baselines
  --dataset synthetic_val``, 48 sequences, never the test set): AO 45.8 against 44.8 with 128 / 4.5, and the
  network sees 44 % fewer pixels (90.8 against 66.3 FPS in back-to-back runs, 2 threads);
* ``clamp_box_per_axis=True``: boxes stay inside the image (official clamps both axes to ``[1, max(H, W)]``);
* ``reg_net_opt_iter=0``, ``reg_init_train_iter=0``, ``reg_net_opt_update_iter=0``: the regression model stays the
  one the Regression Model Generator predicts on the first frame; every FCOT-tiny stage trains the joint
  actor only, so its online regression optimizer (two scalars, trained in a separate official stage) is untrained;
* ``size_update_rate=0.3``: the target size follows the regressed box geometrically damped (not official): the tiny
  regressor's size estimate is noisy from frame to frame and, undamped, can shrink the search region until the
  target is lost (stage 1 model: AO 0.257 -> 0.283 on 8 validation sequences of the training photographs, seed 1);
* ``init_train_iter=2``, ``init_train_iter_72=2`` (official 6): the first five frames refine the classifiers with
  2 steepest-descent iterations each; FCOT-tiny was trained with 3 iterations inside its forward, and more online
  iterations overfit it (stage 1 model: AO 0.443 vs 0.431 on 24 validation sequences of the training photographs,
  seed 1) and cost time (45.7 vs 42.8 FPS);
* ``merge_rate_18=0.5``, ``merge_rate_72=0.5`` (official 0.9 and 0.1): the stride-16 and stride-4 score maps count
  equally. Chosen with the stage-4 model (an earlier ResNet-18 release; 2 threads) on both validation sets:
  on ``synthetic_val_generated`` (unseen, generated appearance) AO 42.6 / 44.0 / 45.0 / 45.0 / 42.5 for
  0.9 / 0.6 / 0.5 / 0.4 / 0.2 on the stride-16 map, on ``synthetic_val`` (training photographs) 51.7 against 50.4
  (held-out test, measured after the choice: 43.4 against 44.9, within the spread of 30 sequences);
* ``channels_last=True``: NHWC convolutions in the backbone, decoder and heads, faster on the CPU; same maths.
  The MobileNetV3 backbone used to stay NCHW (``channels_last_backbone=False``, after a measurement of 9.1 vs 4.5 ms
  per 96-pixel crop in NHWC); measured again on 2026-12-04 in the tracker, alternating in one process
  (``benchmarks/bench_tracker_options.py --a channels_last_backbone=False --b channels_last_backbone=True``), NHWC
  is the faster: ``track()`` 7.46 vs 8.19 ms per frame over 24 validation sequences, 2 rounds (1.10x, paired
  0.73 +- 0.21 ms; also without ``trace_features``: 12.16 vs 13.14 ms), boxes equal to 1.2e-4 pixels;
* ``trace_features=True``: the search crop's features run through a frozen TorchScript trace prepared at
  initialisation (same operators; about 0.3 s more initialisation, ``track()`` 1.07x faster,
  ``benchmarks/bench_traced_features.py``);
* ``inference_mode=True``: ``initialize``/``track`` run under ``torch.inference_mode`` (same values bit for bit, less
  bookkeeping per tensor operation): ``track()`` 7.27 vs 7.85 ms per frame over 24 validation sequences, 2 rounds,
  alternating (1.08x, paired 0.58 +- 0.20 ms; ``benchmarks/bench_tracker_options.py --a inference_mode=False --b
  inference_mode=True``);
* ``seed=0``: the random shifts of the first-frame augmentation are reproducible, so runs are deterministic.

Usage: ``cd pytracking && python run_tracker.py fcot demo --dataset got10k_val``.
"""
from pytracking.networks import shipped_network_path
from pytracking.parameter.fcot.base import fcot_parameters

#: The values that differ from :data:`pytracking.parameter.fcot.base.COMMON` (see the module docstring).
DEMO_OVERRIDES = dict(image_sample_size=96, search_area_scale=3.375, clamp_box_per_axis=True,
                      reg_net_opt_iter=0, reg_init_train_iter=0, reg_net_opt_update_iter=0,
                      init_train_iter=2, init_train_iter_72=2,
                      size_update_rate=0.3, merge_rate_18=0.5, merge_rate_72=0.5, channels_last=True,
                      trace_features=True, inference_mode=True, seed=0)


def parameters():
    return fcot_parameters(net=shipped_network_path('fcot_tiny.pth.tar', check=False), **DEMO_OVERRIDES)
