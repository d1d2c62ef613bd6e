"""What FCOT shows when a debug sink (``tracker.visdom``: visdom and/or PNG files) is attached.

Called from :meth:`FCOT.initialize` / :meth:`FCOT.track` only when ``tracker.visdom`` is not None.

=====  ==============================================================================================
level  panels (title: mode)
=====  ==============================================================================================
1      'Tracking': frame + output box (red) + search area (blue), with a legend; 'Status': frame_num, flag, max_score, FPS
2      'Score Map 18', 'Score Map 72', 'Score Map Fused', 'Score Map Fused (windowed)': heatmaps;
       'Regression l', 'Regression r', 'Regression t', 'Regression b': the four offset maps at the search region
3      'Training Loss': classifier/regressor loss per iteration of the latest optimisation;
       'Memory Weights': the sample-memory weights
=====  ==============================================================================================
"""
from pytracking.libs.dcf import fcot_hann2d

REG_NAMES = ('l', 'r', 't', 'b')


def _level(tracker):
    return getattr(tracker.visdom, 'debug', getattr(tracker.params, 'debug', 0))


def _fps_fields(tracker, elapsed):
    st = tracker.__dict__.setdefault('_debug_timing', {'total': 0.0, 'frames': 0})
    st['total'] += elapsed
    st['frames'] += 1
    return {'FPS': 1.0 / elapsed if elapsed > 0 else float('inf'),
            'FPS_avg': st['frames'] / st['total'] if st['total'] > 0 else float('inf')}


def _send_level3(tracker, sink):
    losses = getattr(tracker, 'losses', None)
    if losses and losses is not tracker.__dict__.get('_debug_sent_losses'):
        tracker._debug_sent_losses = losses
        curves = {name: [float(v) for v in vals] for name, vals in losses.items() if vals}
        if curves:
            sink.register(curves, 'lineplot', 3, 'Training Loss', ytype='log')
    sink.register(tracker.memory.stored_weights.detach().cpu().reshape(-1), 'lineplot', 3, 'Memory Weights')


def send_initialize(tracker, image, box, elapsed):
    """Panels after initialisation (frame 1)."""
    sink = tracker.visdom
    tracker._debug_timing = {'total': 0.0, 'frames': 0}
    tracker._debug_sent_losses = None
    if hasattr(sink, 'new_frame'):
        sink.new_frame(tracker.frame_num)
    sink.register((image, box), 'Tracking', 1, 'Tracking')
    sink.register({'frame_num': tracker.frame_num, 'flag': 'init', 'max_score': 1.0,
                   'init_time_s': float(elapsed)}, 'info_dict', 1, 'Status')
    if _level(tracker) >= 3:
        _send_level3(tracker, sink)
    tracker._debug_drawn_frame = tracker.frame_num


def send_track(tracker, image, out, maps, elapsed):
    """Panels after ``track``; ``maps`` = (score_18, score_72, fused, reg) as (1, 1, ...) network outputs."""
    sink = tracker.visdom
    if hasattr(sink, 'new_frame'):
        sink.new_frame(tracker.frame_num)
    sink.register((image, out['target_bbox'], out['search_area']), 'Tracking', 1, 'Tracking')
    status = {'frame_num': tracker.frame_num, 'flag': out['flag'], 'max_score': float(out['max_score'])}
    status.update(_fps_fields(tracker, elapsed))
    sink.register(status, 'info_dict', 1, 'Status')
    level = _level(tracker)
    if level >= 2:
        s18, s72, fused, reg = maps
        fused = fused[0, 0].detach().cpu()
        window = tracker.window
        if window is None:  # window_output=False: show what the window would do
            window = tracker.__dict__.get('_debug_window')
            if window is None or window.shape[-2:] != fused.shape:
                window = tracker._debug_window = fcot_hann2d(tuple(fused.shape))
        sink.register(s18[0, 0].detach().cpu(), 'heatmap', 2, 'Score Map 18')
        sink.register(s72[0, 0].detach().cpu(), 'heatmap', 2, 'Score Map 72')
        sink.register(fused, 'heatmap', 2, 'Score Map Fused')
        sink.register(fused * window.detach().cpu().reshape(fused.shape), 'heatmap', 2, 'Score Map Fused (windowed)')
        reg = reg[0, 0].detach().cpu()
        for i, name in enumerate(REG_NAMES):
            sink.register(reg[i], 'heatmap', 2, 'Regression {}'.format(name))
    if level >= 3:
        _send_level3(tracker, sink)
    tracker._debug_drawn_frame = tracker.frame_num

