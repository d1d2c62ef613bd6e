"""FCOT tracking parameters shared by every dataset setting (spec §4.5).

A dataset file calls :func:`fcot_parameters` with only the values that differ from :data:`COMMON`.
"""
from pytracking.features.net_wrappers import NetWithBackbone
from pytracking.utils.params import TrackerParams

#: Values identical in every official parameter file (and the GOT-10k/LaSOT-style defaults for the rest).
COMMON = dict(
    debug=0,
    visualization=False,
    use_gpu=None,  # official files: True. None = CUDA when available, else CPU; True requires CUDA.
    image_sample_size=288,
    search_area_scale=4.5,
    border_mode='replicate',
    # Sample memory and online updates
    sample_memory_size=50,
    learning_rate=0.01,
    init_samples_minimum_weight=0.25,
    train_skipping=20,
    init_train_frames=5,
    update_classifier_and_regressor=True,
    ues_select_sample_strategy=True,  # (sic) official name
    use_classifier=True,
    # Optimisation iterations: classifier-18, classifier-72, regressor
    net_opt_iter=5, init_train_iter=6, net_opt_update_iter=1, net_opt_hn_iter=1,
    net_opt_iter_72=5, init_train_iter_72=6, net_opt_update_iter_72=1, net_opt_hn_iter_72=1,
    reg_net_opt_iter=4, reg_init_train_iter=6, reg_net_opt_update_iter=1, reg_net_opt_hn_iter=0,
    # Model blending and score fusion
    lamda_72=1.0, lamda_18=1.0, reg_lamda=1.0,
    merge_rate_72=0.1, merge_rate_18=0.9,
    # Initial augmentation (23 samples)
    use_augmentation=True,
    augmentation=dict(fliplr=True,
                      rotate=[5, -5, 10, -10, 20, -20, 30, -30, 45, -45, -60, 60],
                      blur=[(2, 0.2), (0.2, 2), (3, 1), (1, 3), (2, 2)],
                      relativeshift=[(0.6, 0.6), (-0.6, 0.6), (0.6, -0.6), (-0.6, -0.6)]),
    augmentation_expansion_factor=2,
    random_shift_factor=1 / 3,
    # Localisation
    advanced_localization=True,
    target_not_found_threshold=0.25,
    distractor_threshold=0.6,
    hard_negative_threshold=0.5,
    target_neighborhood_scale=2.2,
    dispalcement_scale=0.8,  # (sic) official name
    window_output=False,
    window_influence=None,  # not official: soften the window_output window (dcf.soft_window); None = official
    perform_hn_without_windowing=True,
    hard_negative_learning_rate=0.02,
    # Not official: 'motion' / 'template' add a gate after the advanced localization (pytracking/tracker/fcot/
    # peak_candidates.py): among local maxima (peak_gate_nms x peak_gate_nms) scoring >= peak_gate_ratio x the
    # highest, take the one nearest the constant-velocity prediction (motion.py; motion_velocity_rate 0 = last
    # position, 1 = full velocity) / whose region best matches the first frame's target in pixels (template.py;
    # template_size x template_size RGB patches, normalised cross-correlation, best over shifts of up to
    # template_search patch bins, switching only for an NCC more than template_margin above the highest peak's); a
    # frame where the gate overrides the highest peak gets the flag peak_switch_flag. 'official' = spec section
    # 4.3.4 only.
    peak_selection='official',
    peak_gate_ratio=0.6,
    peak_gate_nms=3,
    motion_velocity_rate=1.0,
    template_size=16,
    template_search=1,
    template_margin=0.4,
    peak_switch_flag='hard_negative',
    update_scale_when_uncertain=True,
    iou_select=False,
    # Fix (not official): clamp decoded boxes per axis to the image; official clamps both axes to [1, max(H, W)].
    clamp_box_per_axis=False,
    # Not official: damp size changes, target_sz = old^(1-r) * new^r (1.0 = the official update).
    size_update_rate=1.0,
    # How the search and first-frame crops are resized: 'official' (decimate by an integer factor, then bilinear);
    # not official: 'bilinear' (no decimation, as the training crops) or 'antialias' (no decimation, antialiased).
    crop_resampling='official',
    vot_anno_conversion_type='preserve_area',
    # Tooling (not official): per-stage timing, score maps in the output dict, seed of the init augmentation.
    profile=False,
    channels_last=False,  # speed option (not official): run the network in NHWC memory format
    # With channels_last: the backbone's format too (None: NHWC like the rest). False keeps it NCHW (once measured
    # faster for the MobileNetV3, 4.5 vs 9.1 ms per 96-px crop; in the tracker on 2026-12-04 NHWC was the faster,
    # 7.46 vs 8.19 ms per frame: benchmarks/bench_tracker_options.py).
    channels_last_backbone=None,
    # Speed option (not official): feature extraction through a frozen TorchScript trace per input shape; same
    # operators (a live BatchNorm may be folded: rounding only). See pytracking/features/traced_features.py.
    trace_features=False,
    fold_batchnorm=False,  # speed option (not official): fold the backbone's BatchNorm into its convolutions
    # Speed option (same values): initialize/track under torch.inference_mode (less per-operation bookkeeping).
    inference_mode=False,
    # Speed (same maths): keep each memory slot's classifier label/mask/weight maps instead of rebuilding them all
    # on every online optimiser call; False rebuilds them (the official code path).
    cache_label_maps=True,
    return_score_maps=False,
    seed=None,
    net='fcot.pth',
)


def fcot_parameters(**overrides) -> TrackerParams:
    """Build the parameters: :data:`COMMON` updated with ``overrides`` (unknown names are rejected)."""
    unknown = sorted(set(overrides) - set(COMMON))
    if unknown:
        raise ValueError(f"unknown FCOT parameter(s) {unknown}; allowed: {sorted(COMMON)}")
    values = dict(COMMON)
    values.update(overrides)
    net_name = values.pop('net')
    params = TrackerParams().update(**values)
    params.net = NetWithBackbone(net_path=net_name, use_gpu=params.use_gpu)
    return params
