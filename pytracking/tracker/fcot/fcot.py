"""FCOT online tracker (spec §4): multi-scale classification + online anchor-free regression.

State conventions (pytracking): ``pos`` is the target centre ``(row, col)`` with the "-1" convention
(``y + (h - 1) / 2``), ``target_sz`` is ``(h, w)``, both in image pixels; output boxes are ``[x, y, w, h]``.
"""
import contextlib
import time
from typing import Optional

import torch

from pytracking.features.augmentation import augmentation_expansion_size, build_init_transforms, transform_boxes
from pytracking.features.preprocessing import RESAMPLING, numpy_to_torch, sample_patch, sample_patch_transformed
from pytracking.features.traced_features import TracedTrackingFeatures
from pytracking.libs.dcf import fcot_hann2d, soft_window
from pytracking.tracker.base.basetracker import BaseTracker
from pytracking.tracker.fcot import localization as loc
from pytracking.tracker.fcot import motion, template
from pytracking.tracker.fcot.peak_candidates import PEAK_SELECTIONS, SWITCH_FLAGS
from pytracking.tracker.fcot.inputs import as_rgb_frame, check_init_box
from pytracking.tracker.fcot.memory import BestSampleBuffer, SampleMemory
from pytracking.tracker.fcot.profiling import StageTimer
from pytracking.tracker.fcot import state as st
from pytracking.tracker.fcot.schedule import plan_model_update


class FCOT(BaseTracker):
    """The FCOT tracker. ``params`` come from ``pytracking/parameter/fcot/*.py`` (``params.net`` is a
    :class:`~pytracking.features.net_wrappers.NetWithBackbone`)."""

    multiobj_mode = 'parallel'

    def initialize_features(self):
        if not getattr(self, 'features_initialized', False):
            self.params.net.initialize()
        self.features_initialized = True

    # ------------------------------------------------------------------ helpers
    def _backbone_channels_last(self) -> bool:
        """Whether the backbone runs NHWC: ``channels_last`` unless ``channels_last_backbone`` is False."""
        if not self.params.get('channels_last', False):
            return False
        own = self.params.get('channels_last_backbone', None)
        return True if own is None else bool(own)

    def _network_input(self, patches: torch.Tensor) -> torch.Tensor:
        """``(N, 3, H, W)`` patches in [0, 255] -> the normalised network input, in the backbone's memory format."""
        im = self.params.net.preprocess_image(patches)
        if self._backbone_channels_last():
            im = im.contiguous(memory_format=torch.channels_last)
        return im

    @torch.no_grad()
    def _features(self, patches: torch.Tensor) -> dict:
        """``(N, 3, 288, 288)`` patches in [0, 255] -> dict of tracking features (see FCOTNet)."""
        im = self._network_input(patches)
        if self.traced_features is not None:
            return self.traced_features(im)
        return self.net.extract_tracking_features(im)

    @torch.no_grad()
    def _optimize(self, iters18: int, iters72: int, iters_reg: int):
        """Continue the three online models from their current values on the memory."""
        x72, x18, xr = self.memory.samples
        boxes = self.memory.stored_boxes.to(self.device).unsqueeze(1)
        weights = self.memory.stored_weights
        self.losses = {}
        if iters72 > 0:
            self.filter_72, _, self.losses['clf_72'] = self.net.classifier_72.filter_optimizer(
                self.filter_72, x72.unsqueeze(1), boxes, sample_weight=weights, num_iter=iters72,
                compute_losses=self.params.debug >= 3, label_mask_weight=self._stored_label_maps(72))
        if iters18 > 0:
            self.filter_18, _, self.losses['clf_18'] = self.net.classifier_18.filter_optimizer(
                self.filter_18, x18.unsqueeze(1), boxes, sample_weight=weights, num_iter=iters18,
                compute_losses=self.params.debug >= 3, label_mask_weight=self._stored_label_maps(18))
        if iters_reg > 0:
            # Official behaviour: the regressor's update ignores the memory weights (spec §0.6).
            self.reg_filter, _, self.losses['reg_72'] = self.net.regressor_72.filter_optimizer(
                self.reg_filter, xr.unsqueeze(1), boxes, num_iter=iters_reg,
                compute_losses=self.params.debug >= 3)

    # ------------------------------------------------------------------ label-map cache
    def _label_source(self, which: int):
        """``(classifier, filter, memory features)`` of classifier ``which`` (72 or 18)."""
        if which == 72:
            return self.net.classifier_72, self.filter_72, self.memory.features[0]
        return self.net.classifier_18, self.filter_18, self.memory.features[1]

    @torch.no_grad()
    def _label_maps(self, which: int, boxes: torch.Tensor):
        """Label, mask and spatial weight of classifier ``which`` (72 or 18) for ``boxes (n, 4)``: each
        ``(n, 1, H', W')`` on that classifier's score grid."""
        clf, filt, feat = self._label_source(which)
        return clf.filter_optimizer.label_mask_weight(boxes.to(self.device).unsqueeze(1), filt.shape[-2:],
                                                      feat.shape[-2:])

    def _init_label_cache(self):
        """With ``cache_label_maps`` (default True): keep every memory slot's label/mask/weight maps, which depend
        only on its box, instead of rebuilding all of them on each optimiser call (same values)."""
        self._label_cache = {}
        if not self.params.get('cache_label_maps', True):
            return
        for which in (72, 18):
            clf, filt, feat = self._label_source(which)
            size = clf.filter_optimizer.score_size(filt.shape[-2:], feat.shape[-2:])
            self._label_cache[which] = [feat.new_zeros((self.memory.capacity, 1) + size) for _ in range(3)]
        self._store_label_maps(torch.arange(self.memory.num_stored_samples))

    def _store_label_maps(self, index: torch.Tensor):
        """(Re)compute the cached maps of memory slots ``index`` (after the initialisation or an insertion)."""
        index = index.reshape(-1)
        for which, bufs in self._label_cache.items():
            maps = self._label_maps(which, self.memory.boxes[index])
            for buf, m in zip(bufs, maps):
                buf.index_copy_(0, index.to(buf.device), m)

    def _stored_label_maps(self, which: int):
        """The cached maps of the stored samples ``(count, 1, H', W')`` x 3, or None (cache off)."""
        bufs = self._label_cache.get(which)
        return None if bufs is None else tuple(b[:self.memory.num_stored_samples] for b in bufs)

    # ------------------------------------------------------------------ grad mode
    def _grad_mode(self):
        """``torch.inference_mode()`` with the speed option ``inference_mode`` (same values, less bookkeeping per
        tensor operation; the tracker's state tensors become inference tensors, usable by ``initialize``/``track``
        and for reading only elsewhere), else a no-op context (the official path: ``no_grad`` where needed)."""
        return torch.inference_mode() if self.params.get('inference_mode', False) else contextlib.nullcontext()

    # ------------------------------------------------------------------ initialisation
    def initialize(self, image, info: dict) -> dict:
        """Initialise on the first frame. ``info['init_bbox']`` is ``[x, y, w, h]`` (image pixels).

        Returns ``{'time': seconds}``. Raises ``ValueError`` for an invalid frame or box."""
        tic = time.time()
        if 'init_bbox' not in info:
            raise ValueError(f"info must contain 'init_bbox' = [x, y, w, h]; got keys {sorted(info)}")
        image = as_rgb_frame(image)
        box = check_init_box(info['init_bbox'], image.shape[:2])
        if not self.params.get('ues_select_sample_strategy', True):
            raise ValueError("ues_select_sample_strategy=False is not supported (every official FCOT parameter file "
                             "uses True: the best-scoring frame of each train_skipping window is inserted)")
        self._prepare_network()
        with self._grad_mode():
            self._initialize_models(image, box)
        if self.visdom is not None:  # debug sink attached (visdom / PNG files): see fcot/debug.py
            from pytracking.tracker.fcot import debug as fcot_debug
            fcot_debug.send_initialize(self, image, list(box), time.time() - tic)
        return {'time': time.time() - tic}

    def _prepare_network(self):
        """Load the network and apply the speed options that change it (BatchNorm folding, memory format, the
        traced features); outside ``inference_mode``, so that the network's own tensors stay ordinary ones."""
        p = self.params
        self.initialize_features()
        self.net = p.net.net
        if p.get('fold_batchnorm', False) and not getattr(self.net, '_batchnorm_folded', False):
            # speed option: BatchNorm folded into the convolutions (same function up to rounding)
            from ltr.models.layers.fold_batchnorm import fold_batchnorm_
            fold_batchnorm_(self.net.feature_extractor)
            self.net._batchnorm_folded = True
        if p.get('channels_last', False):   # speed option: NHWC convolutions (same maths, other summation order)
            self.net.to(memory_format=torch.channels_last)
            if not self._backbone_channels_last():
                self.net.feature_extractor.to(memory_format=torch.contiguous_format)
        self.device = next(self.net.parameters()).device
        # speed option: feature extraction as a frozen TorchScript trace (same operators; built after the network's
        # memory format is set, because freezing copies the weights)
        self.traced_features = None
        if p.get('trace_features', False):
            self.traced_features = TracedTrackingFeatures(self.net)
            search = self._network_input(torch.zeros(1, 3, p.image_sample_size, p.image_sample_size,
                                                     device=self.device))
            self.traced_features.prepare(search)   # the per-frame search crop's signature (about 0.3 s, once)

    def _initialize_models(self, image, box):
        """The first frame's state, online models and memory from the RGB ``image`` and ``box`` ``[x, y, w, h]``."""
        x, y, w, h = box
        p = self.params
        self.frame_num = 1
        if p.get('seed', None) is not None:
            self.rng = torch.Generator().manual_seed(int(p.seed))
        else:
            self.rng = None

        self.pos, self.target_sz, self.prev_box = st.init_state([x, y, w, h])
        sz = p.image_sample_size
        self.img_sample_sz = torch.tensor([float(sz), float(sz)])
        self.img_support_sz = self.img_sample_sz
        bounds = st.scale_bounds(self.target_sz, p.search_area_scale, image.shape[:2], self.img_sample_sz)
        self.target_scale, self.base_target_sz = bounds.target_scale, bounds.base_target_sz
        self.min_scale_factor, self.max_scale_factor = bounds.min_scale_factor, bounds.max_scale_factor

        self.crop_resampling = p.get('crop_resampling', 'official')
        if self.crop_resampling not in RESAMPLING:   # not official unless 'official' (sample_patch's docstring)
            raise ValueError(f"crop_resampling={self.crop_resampling!r}; allowed: {RESAMPLING}")
        im = numpy_to_torch(image)
        # 23 augmented samples cropped from one expanded patch (spec §4.1 step 3).
        expansion = p.get('augmentation_expansion_factor', 1)
        aug_sz = torch.tensor(augmentation_expansion_size(sz, expansion), dtype=torch.float32)
        transforms = build_init_transforms(p, sz, expansion, self.rng)
        init_sample_pos = self.pos.round()
        init_sample_scale = self.target_scale
        patches = sample_patch_transformed(im, init_sample_pos, init_sample_scale, aug_sz, transforms,
                                           resampling=self.crop_resampling)
        base_box = loc.get_training_box(self.pos, self.target_sz, init_sample_pos, init_sample_scale, sz)
        boxes = transform_boxes(base_box, transforms).to(self.device)
        feats = self._features(patches)
        x18, x72, xr = feats['clf_18'], feats['clf_72'], feats['reg_72']

        with torch.no_grad():
            bb = boxes.unsqueeze(1)
            self.filter_72, _, _ = self.net.classifier_72.get_filter(x72.unsqueeze(1), bb, num_iter=p.net_opt_iter_72,
                                                                      compute_losses=False)
            self.filter_18, _, _ = self.net.classifier_18.get_filter(x18.unsqueeze(1), bb, num_iter=p.net_opt_iter,
                                                                      compute_losses=False)
            self.init_filter_72, self.init_filter_18 = self.filter_72, self.filter_18
            # The regressor's initial model comes from the identity sample only (spec §4.1 step 5).
            self.init_reg_filter = self.net.regressor_72.generate_init_filter(
                feats['feat_36'][:1], feats['feat_72'][:1], boxes[:1])
            self.reg_filter = self.init_reg_filter
            if p.reg_net_opt_iter > 0:
                self.reg_filter, _, _ = self.net.regressor_72.filter_optimizer(
                    self.init_reg_filter, xr.unsqueeze(1), bb, num_iter=p.reg_net_opt_iter, compute_losses=False)

        self.memory = SampleMemory([x72, x18, xr], boxes, p.sample_memory_size)
        self._init_label_cache()
        self.best_sample = BestSampleBuffer()
        self.window = self._output_window(xr.shape[-1])
        self.prev_pos = self.pos.clone()
        self.motion_prev_pos = self.pos.clone()
        self.peak_selection = self._check_peak_selection()
        if self.peak_selection == 'template':   # the first frame's target, (3 * S * S,) normalised pixels
            box = torch.tensor([[x, y, x + w, y + h]], dtype=torch.float32)
            self.template = template.normalise_patches(
                template.box_patches(im, box, int(p.get('template_size', 16))))[0]
        self.losses = {}
        self.timer = StageTimer(p.get('profile', False), self.device)

    # ------------------------------------------------------------------ tracking
    def track(self, image, info: Optional[dict] = None) -> dict:
        """Track one frame; returns ``{'target_bbox': [x, y, w, h], 'flag', 'max_score', 'search_area'}``
        (plus ``score_map_18/72``, ``score_map`` and ``reg_map`` when ``params.return_score_maps``)."""
        with self._grad_mode():
            return self._track(image, info)

    def _track(self, image, info: Optional[dict] = None) -> dict:
        p = self.params
        debug_tic = time.perf_counter() if self.visdom is not None else None
        timer = self.timer
        timer.new_frame()
        with timer.stage('crop'):
            image = as_rgb_frame(image)
            self.frame_num += 1
            # The frame keeps its dtype (uint8): sample_patch converts only the crop to float (same values).
            im = numpy_to_torch(image, keep_dtype=True)
            image_hw = (image.shape[0], image.shape[1])
            # 1. Search region at the previous peak position.
            patch, coord = sample_patch(im, self.prev_pos, self.target_scale * self.img_sample_sz, self.img_sample_sz,
                                        resampling=self.crop_resampling)
            sample_pos, sample_scale = st.sample_geometry(coord, self.img_sample_sz)
        with timer.stage('network'):
            feats = self._features(patch)
        x18, x72, xr = feats['clf_18'], feats['clf_72'], feats['reg_72']

        with torch.no_grad(), timer.stage('localization'):
            # 2. Blended scores of the current and initial classifiers, fused over the two scales.
            s18 = self._blend(p.lamda_18, lambda f: self.net.classifier_18.classify(f, x18.unsqueeze(1)),
                              self.filter_18, self.init_filter_18)
            s72 = self._blend(p.lamda_72, lambda f: self.net.classifier_72.classify(f, x72.unsqueeze(1)),
                              self.filter_72, self.init_filter_72)
            fused = loc.fuse_scores(s18, s72, p.merge_rate_18, p.merge_rate_72, size=xr.shape[-1])
            if not bool(torch.isfinite(fused).all()):
                return self._not_found_output(sample_pos, sample_scale)
            found = loc.localize_advanced(fused[0, 0], self.target_sz, sample_scale, p, self.window,
                                          img_support_sz=float(self.img_support_sz[0]))
            reg = None
            if self.peak_selection != 'official' and found.flag != 'not_found':
                # the gates choose among the peaks of the map the first peak was taken from
                gated = fused[0, 0] if self.window is None else fused[0, 0] * self.window.reshape(fused.shape[-2:])
                if self.peak_selection == 'motion':
                    found = self._motion_gate(found, gated, sample_pos, sample_scale)
                else:
                    reg = self._regression_map(xr)
                    found = self._template_gate(found, gated, reg[0, 0], im.float(), sample_pos, sample_scale)
            new_pos = sample_pos + loc.translation_vector(found.disp, sample_scale, float(self.img_support_sz[0]),
                                                          xr.shape[-1])
        with torch.no_grad(), timer.stage('decode'):
            # 3. Anchor-free box at the peak from the blended regression models.
            if reg is None:
                reg = self._regression_map(xr)
            stride = float(self.img_support_sz[0]) / xr.shape[-1]
            box = loc.decode_box(reg[0, 0], found.peak, new_pos, sample_scale, image_hw, stride=stride,
                                 clamp_per_axis=p.get('clamp_box_per_axis', False))

        flag = found.flag
        finite = bool(torch.isfinite(fused).all()) and bool(torch.isfinite(box).all()) and \
            bool(torch.isfinite(reg).all())
        if not finite:   # never emit or learn from NaN: keep the previous state, report the target as not found
            flag = 'not_found'
        elif p.get('iou_select', False):
            flag = loc.iou_select(box, self.prev_box, flag)

        # 4. State update.
        if self.peak_selection == 'motion':
            self.motion_prev_pos = self.prev_pos
        if flag != 'not_found':
            self.prev_pos = new_pos
            old_sz = self.target_sz
            self.pos, self.target_sz = st.state_from_box(box)
            rate = p.get('size_update_rate', 1.0)
            if rate != 1.0:   # not official: damp the size change (geometric blend with the previous size)
                self.target_sz = st.blend_size(old_sz, self.target_sz, rate)
            if flag != 'uncertain' or p.get('update_scale_when_uncertain', True):
                self.target_scale = st.update_target_scale(self.target_sz, self.base_target_sz,
                                                           self.min_scale_factor, self.max_scale_factor)
        self.prev_box = st.state_to_box(self.pos, self.target_sz)

        # 5. Online update of the three models.
        with timer.stage('update'):
            if finite:
                self._update(flag, (x72, x18, xr), sample_pos, sample_scale, found.max_score)

        out_box = st.output_box(self.pos, self.target_sz)
        if p.get('clamp_box_per_axis', False):
            out_box = st.clip_output_box(out_box, image_hw)
        search = torch.cat((sample_pos[[1, 0]] - sample_scale * (self.img_support_sz - 1) / 2,
                            sample_scale * self.img_support_sz))
        out = {'target_bbox': out_box.tolist(), 'flag': flag,
               'max_score': float(found.max_score) if finite else 0.0,
               'search_area': search.tolist()}
        if p.get('return_score_maps', False):
            out.update(score_map_18=s18[0, 0].cpu(), score_map_72=s72[0, 0].cpu(), score_map=fused[0, 0].cpu(),
                       reg_map=reg[0, 0].cpu())
        if self.visdom is not None:  # debug sink attached (visdom / PNG files): see fcot/debug.py
            from pytracking.tracker.fcot import debug as fcot_debug
            fcot_debug.send_track(self, image, out, (s18, s72, fused, reg), time.perf_counter() - debug_tic)
        return out

    def _check_peak_selection(self) -> str:
        """``params.peak_selection`` ('official' = spec §4.3.4 only; 'motion' / 'template' = the gate of
        :mod:`~pytracking.tracker.fcot.motion` / :mod:`~pytracking.tracker.fcot.template` after it), with its settings
        checked once at initialisation."""
        p = self.params
        mode = p.get('peak_selection', 'official')
        if mode not in PEAK_SELECTIONS:
            raise ValueError(f"peak_selection={mode!r}; allowed: {PEAK_SELECTIONS}")
        if mode != 'official':
            flag = p.get('peak_switch_flag', 'hard_negative')
            if flag not in SWITCH_FLAGS:
                raise ValueError(f"peak_switch_flag={flag!r}; allowed: {SWITCH_FLAGS}")
        if mode == 'motion':
            motion.predict_position(self.pos, self.pos, p.get('motion_velocity_rate', 1.0))   # checks the rate
        return mode

    def _regression_map(self, xr):
        """Blended regression map of the current and initial regression models, ``(1, 1, 4, H, W)``."""
        p = self.params
        return self._blend(p.reg_lamda, lambda f: self.net.regressor_72.regress(f, xr.unsqueeze(1)),
                           self.reg_filter, self.init_reg_filter)

    def _switched(self, found, chosen, map_hw):
        """``found`` unless the gate's ``chosen`` peak overrides the highest one; then that peak, its displacement
        and score, flagged ``peak_switch_flag``."""
        if not chosen.switched:
            return found
        centre = (torch.tensor([float(map_hw[0]), float(map_hw[1])]) - 1) / 2
        return loc.Localization(chosen.peak, chosen.peak.float() - centre,
                                self.params.get('peak_switch_flag', 'hard_negative'), chosen.score)

    def _template_gate(self, found, scores, reg, image, sample_pos, sample_scale):
        """Template-verified peak choice (not official, ``peak_selection='template'``): among the local maxima
        scoring ``>= peak_gate_ratio`` times the highest, the one whose target-sized region best matches the first
        frame's target (:mod:`~pytracking.tracker.fcot.template`)."""
        p = self.params
        stride = float(self.img_support_sz[0]) / scores.shape[-1]
        chosen = template.select_peak_by_template(scores, reg, image, self.template, self.target_sz, sample_pos,
                                                  sample_scale, stride, p.get('peak_gate_ratio', 0.6),
                                                  int(p.get('peak_gate_nms', 3)), int(p.get('template_search', 1)),
                                                  float(p.get('template_margin', 0.4)))
        return self._switched(found, chosen, scores.shape)

    def _motion_gate(self, found, scores, sample_pos, sample_scale):
        """Motion-gated peak choice (not official, ``peak_selection='motion'``): among the local maxima of the scores
        the first peak was taken from that score ``>= peak_gate_ratio`` times it, the one nearest the
        constant-velocity prediction of the peak position. A switch replaces peak, displacement and score and sets
        the flag ``peak_switch_flag``; otherwise ``found`` is returned unchanged."""
        p = self.params
        cell_px = sample_scale * float(self.img_support_sz[0]) / scores.shape[-1]
        predicted = motion.predict_position(self.prev_pos, self.motion_prev_pos, p.get('motion_velocity_rate', 1.0))
        target_cell = motion.position_to_cell(predicted, sample_pos, cell_px, scores.shape)
        chosen = motion.select_peak_near(scores, target_cell, p.get('peak_gate_ratio', 0.6),
                                         int(p.get('peak_gate_nms', 3)))
        return self._switched(found, chosen, scores.shape)

    def _output_window(self, size: int):
        """The window multiplied onto the fused scores before the first peak is taken, ``(1, 1, size, size)`` or
        None: the official FCOT window (``window_output``), optionally softened by ``window_influence``
        (not official, :func:`~pytracking.libs.dcf.soft_window`)."""
        p = self.params
        influence = p.get('window_influence', None)
        if not p.window_output:
            if influence is not None:
                raise ValueError(f"window_influence={influence} needs window_output=True (it softens that window)")
            return None
        window = fcot_hann2d(size)
        if influence is not None:
            window = soft_window(window, influence)
        return window.to(self.device)

    def _not_found_output(self, sample_pos, sample_scale) -> dict:
        """The output of a frame whose network output is not finite: the previous box, flag 'not_found', no state
        change and no model update (a NaN must never reach the state, the memory or the caller)."""
        search = torch.cat((sample_pos[[1, 0]] - sample_scale * (self.img_support_sz - 1) / 2,
                            sample_scale * self.img_support_sz))
        return {'target_bbox': st.output_box(self.pos, self.target_sz).tolist(), 'flag': 'not_found',
                'max_score': 0.0, 'search_area': search.tolist()}

    def visdom_draw_tracking(self, image, box, segmentation=None):
        """The runner's per-frame 'Tracking' call: skipped when initialize/track already sent this frame
        (with the search area) to the debug sink."""
        if self.visdom is None or getattr(self, '_debug_drawn_frame', None) == getattr(self, 'frame_num', None):
            return
        super().visdom_draw_tracking(image, box, segmentation)

    @staticmethod
    def _blend(lamda: float, apply, current, initial):
        """``(1 - lamda) * apply(initial) + lamda * apply(current)`` (one evaluation when lamda is 0 or 1)."""
        if lamda == 1:
            return apply(current)
        if lamda == 0:
            return apply(initial)
        return (1 - lamda) * apply(initial) + lamda * apply(current)

    def _update(self, flag: str, sample, sample_pos, sample_scale, score):
        """Memory insertion and optimisation of spec §4.4, as planned by :func:`plan_model_update`."""
        p = self.params
        plan = plan_model_update(flag, self.frame_num, p)
        if plan.action == 'none':
            return
        train_box = loc.get_training_box(self.pos, self.target_sz, sample_pos, sample_scale, p.image_sample_size)
        if plan.action in ('offer', 'offer_then_insert_best'):
            self.best_sample.offer(sample, train_box, score)
            if plan.action == 'offer':
                return
            sample, train_box, _ = self.best_sample.pop()
        index = self.memory.insert(sample, train_box, plan.learning_rate, p.get('init_samples_minimum_weight', None))
        self._store_label_maps(index)
        iters72, iters18, iters_reg = plan.iters
        self._optimize(iters18, iters72, iters_reg)
