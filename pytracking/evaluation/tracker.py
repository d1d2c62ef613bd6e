"""The ``Tracker`` wrapper: finds a tracker and its parameters, runs it on a sequence.

Box convention: ``[x, y, w, h]`` (top-left corner, width, height) in image
pixels, for the init box given to the tracker and for every box it returns.

Module lookup
-------------
``Tracker('fcot', 'fcot_otb')`` imports ``pytracking.tracker.fcot`` (whose
``get_tracker_class()`` returns the class) and ``pytracking.parameter.fcot.fcot_otb``
(whose ``parameters()`` returns the parameter object). A name that contains a
dot is taken as a fully qualified module instead, so trackers living outside
this repository (plugins, tests) can be run without copying them into
``pytracking/tracker``: ``Tracker('mypkg.mytracker', 'mypkg.params.default')``.
The last dotted component is the name used for the results folder.

Results folder (current pytracking): ``<results_path>/<name>/<parameter_name>``,
or ``<results_path>/<name>/<parameter_name>_<run_id:03d>`` with a run id.

What ``run_sequence`` expects of the tracker object
---------------------------------------------------
- construction ``tracker_class(params)``; the attribute ``visdom`` is then set
  (None unless visdom debugging is active);
- ``initialize(image, info) -> dict or None`` with ``image`` an (H, W, 3)
  uint8 RGB array and ``info = seq.init_info()``, e.g. ``{'init_bbox': [x, y, w, h]}``;
  an optional 'time' key overrides the measured time;
- ``track(image, info) -> dict`` with ``info = seq.frame_info(i)`` plus
  ``'previous_output'`` (the previous returned dict); the dict must hold
  ``'target_bbox'`` ([x, y, w, h]) and may hold 'time', 'segmentation',
  'object_presence_score' and any other keys (extra keys are ignored);
- optionally ``visdom_draw_tracking(image, box, segmentation)`` (used when visdom is active).
Of the parameter object it sets ``debug`` and ``visualization`` and reads
``object_presence_score_threshold`` (default 0.55) when present.
"""
import importlib
import numbers
import os
import time
from collections import OrderedDict

import numpy as np

from pytracking.evaluation.environment import env_settings, required_path

__all__ = ['Tracker', 'trackerlist']

_PER_FRAME_KEYS = ('target_bbox', 'time', 'segmentation', 'object_presence_score')


def trackerlist(name, parameter_name, run_ids=None, display_name=None):
    """A list of ``Tracker``, one per run id (``run_ids``: None, an int, or an iterable of ints)."""
    if run_ids is None or isinstance(run_ids, numbers.Integral):
        run_ids = [run_ids]
    return [Tracker(name, parameter_name, run_id, display_name) for run_id in run_ids]


def _split_module_name(name, default_package):
    """(module to import, short name) for a tracker/parameter name (dotted = fully qualified)."""
    if not isinstance(name, str) or not name or name.startswith('.') or name.endswith('.'):
        raise ValueError('Invalid tracker/parameter name {!r}: expected a plain name like "fcot" or a fully '
                         'qualified module like "mypkg.mytracker"'.format(name))
    if '.' in name:
        return name, name.rsplit('.', 1)[1]
    return '{}.{}'.format(default_package, name), name


def _import(module_name, what, hint):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        # Only rewrite the message when the module itself (or a parent) is missing, not a dependency of it.
        if e.name is not None and (module_name == e.name or module_name.startswith(e.name + '.')):
            raise ModuleNotFoundError('Cannot find the {} module {!r} ({}).'.format(what, module_name, hint),
                                      name=e.name) from e
        raise


def _box_list(box):
    if box is None:
        return None
    if isinstance(box, (dict, OrderedDict)):
        return OrderedDict((k, _box_list(v)) for k, v in box.items())
    if hasattr(box, 'detach'):  # torch tensor
        box = box.detach().cpu().numpy()
    return [float(v) for v in np.asarray(box, dtype=np.float64).reshape(-1)]


class Tracker:
    """A tracker and parameter setting, and where its results go.

    args:
        name - tracker name (folder of pytracking/tracker and pytracking/parameter), or a
               fully qualified tracker module.
        parameter_name - parameter module name in pytracking/parameter/<name>/, or a fully
               qualified parameter module.
        run_id - None or an int; results go to '<param>_<run_id:03d>'.
        display_name - name used in plots and tables (default: derived from name/param/run_id).
        net_path - network file that replaces the parameter file's network (``run_tracker.py --net``); results
               still go to the parameter's folder.
    """

    def __init__(self, name, parameter_name, run_id=None, display_name=None, net_path=None):
        if run_id is not None and (isinstance(run_id, bool) or not isinstance(run_id, numbers.Integral)):
            raise TypeError('run_id must be None or an int, got {!r} ({})'.format(run_id, type(run_id).__name__))
        self.tracker_module_name, self.name = _split_module_name(name, 'pytracking.tracker')
        _split_module_name(parameter_name, 'pytracking.parameter')  # validates the name
        if '.' in parameter_name:
            self.parameter_module_name, self.parameter_name = _split_module_name(parameter_name, '')
        else:
            self.parameter_module_name = 'pytracking.parameter.{}.{}'.format(self.name, parameter_name)
            self.parameter_name = parameter_name
        self.run_id = None if run_id is None else int(run_id)
        self.display_name = display_name
        self.net_path = None if net_path is None else os.path.abspath(os.path.expanduser(os.fspath(net_path)))

        env = env_settings()
        results_path = required_path('results_path', env, must_exist=False)
        leaf = self.parameter_name if self.run_id is None else '{}_{:03d}'.format(self.parameter_name, self.run_id)
        self.results_dir = os.path.join(results_path, self.name, leaf)
        segmentation_path = getattr(env, 'segmentation_path', '')
        self.segmentation_dir = os.path.join(segmentation_path, self.name, leaf) if segmentation_path else None

        self.visdom = None
        self.pause_mode = False
        self.step = False
        self._fig = None

    def __getstate__(self):
        # Live visualization handles (visdom connection, matplotlib figure) do not cross processes.
        state = dict(self.__dict__)
        state['visdom'] = None
        state['_fig'] = None
        state.pop('_ax', None)
        state.pop('_matplotlib_ok', None)
        return state

    def __repr__(self):
        return 'Tracker({!r}, {!r}, run_id={!r})'.format(self.name, self.parameter_name, self.run_id)

    def label(self):
        """'<name> <param>' plus ' <run_id:03d>' when a run id is set (for progress messages)."""
        run = '' if self.run_id is None else ' {:03d}'.format(self.run_id)
        return '{} {}{}'.format(self.name, self.parameter_name, run)

    # ------------------------------------------------------------------ lookup
    def get_tracker_class(self):
        """The tracker class, from ``<tracker module>.get_tracker_class()``."""
        module = _import(self.tracker_module_name, 'tracker',
                         'expected pytracking/tracker/{}/__init__.py defining get_tracker_class()'.format(self.name))
        getter = getattr(module, 'get_tracker_class', None)
        if getter is None:
            raise AttributeError("Tracker module '{}' ({}) does not define get_tracker_class()".format(
                self.tracker_module_name, getattr(module, '__file__', '?')))
        return getter()

    def get_parameters(self):
        """A fresh parameter object from ``<parameter module>.parameters()`` (never a cached pickle)."""
        module = _import(self.parameter_module_name, 'parameter',
                         'expected pytracking/parameter/{}/{}.py defining parameters()'.format(
                             self.name, self.parameter_name))
        factory = getattr(module, 'parameters', None)
        if factory is None:
            raise AttributeError("Parameter module '{}' ({}) does not define parameters()".format(
                self.parameter_module_name, getattr(module, '__file__', '?')))
        params = factory()
        if self.net_path is not None:
            net = getattr(params, 'net', None)
            if net is None or not hasattr(net, 'net_path'):
                raise ValueError("--net {}: the parameters of '{}' have no network wrapper (params.net) to point "
                                 "at it".format(self.net_path, self.parameter_module_name))
            net.net_path = self.net_path
            net.net = None
        return params

    def check_setup(self):
        """Everything that would fail every sequence, checked once before the first: the tracker and parameter
        modules import, the parameters build and the network loads (``params.net.initialize()``)."""
        self.check_available()
        params = self.get_parameters()
        net = getattr(params, 'net', None)
        if net is not None and hasattr(net, 'initialize'):
            net.initialize()
        return params

    def check_available(self):
        """Import the tracker and parameter modules (raises like get_tracker_class/get_parameters)."""
        self.get_tracker_class()
        module = _import(self.parameter_module_name, 'parameter',
                         'expected pytracking/parameter/{}/{}.py defining parameters()'.format(
                             self.name, self.parameter_name))
        if not callable(getattr(module, 'parameters', None)):
            raise AttributeError("Parameter module '{}' does not define parameters()".format(
                self.parameter_module_name))

    def create_tracker(self, params):
        """An instance of the tracker class built with ``params``; its ``visdom`` attribute is set."""
        tracker = self.get_tracker_class()(params)
        tracker.visdom = self.visdom
        return tracker

    # ------------------------------------------------------------------ running
    def run_sequence(self, seq, debug=None, visdom_info=None):
        """Run the tracker on ``seq`` (one-pass) and return its output dict.

        args:
            seq - Sequence to run on.
            debug - debug level; None keeps ``params.debug`` (default 0). When given, it also sets
                    ``params.visualization = debug > 0``.
            visdom_info - dict with 'use_visdom', 'server', 'port' (used when debug > 0).
        returns:
            dict with per-frame lists 'target_bbox' ([x, y, w, h] float lists) and 'time' (seconds;
            entry 0 is the initialization), optionally 'segmentation' and 'object_presence_score',
            plus 'image_shape' (H, W) and 'object_presence_score_threshold'.
        """
        params = self.get_parameters()
        if debug is None:
            debug_ = getattr(params, 'debug', 0)
            visualization_ = getattr(params, 'visualization', False)
        else:
            debug_ = debug
            visualization_ = bool(debug)
        params.debug = debug_
        params.visualization = visualization_

        self._init_visdom(visdom_info, debug_)
        if getattr(seq, 'multiobj_mode', False):
            raise NotImplementedError("Sequence '{}' is in multi-object mode, which this runner does not "
                                      "support".format(seq.name))
        tracker = self.create_tracker(params)
        init_info = seq.init_info()
        sink = self.visdom
        if sink is not None and hasattr(sink, 'begin_sequence'):
            sink.begin_sequence(seq.name)
        try:
            return self._track_sequence(tracker, seq, init_info, params)
        finally:
            if sink is not None and hasattr(sink, 'end_sequence'):
                sink.end_sequence()  # e.g. the summary montage of --save_debug

    def _track_sequence(self, tracker, seq, init_info, params):
        from ltr.data.image_loader import imread_rgb

        output = {key: [] for key in _PER_FRAME_KEYS}

        def store(tracker_out, defaults):
            for key in _PER_FRAME_KEYS:
                val = tracker_out.get(key, defaults.get(key))
                if key in tracker_out or val is not None:
                    output[key].append(_box_list(val) if key == 'target_bbox' else val)

        def check_out(out, method, frame_num):
            if out is None and method == 'initialize':
                return {}
            if not isinstance(out, dict):
                raise TypeError('{}.{}() returned {} at frame {} of sequence {!r}; it must return a dict'.format(
                    type(tracker).__name__, method, type(out).__name__, frame_num, seq.name))
            return out

        visualize = getattr(params, 'visualization', False)
        if 'init_bbox' not in init_info:
            raise ValueError("Sequence '{}' has no init box (init_info: {})".format(seq.name, sorted(init_info)))

        image = imread_rgb(seq.frames[0])
        start_time = time.perf_counter()
        out = check_out(tracker.initialize(image, init_info), 'initialize', 0)
        init_default = {'target_bbox': init_info.get('init_bbox'),
                        'time': time.perf_counter() - start_time,
                        'segmentation': init_info.get('init_mask'),
                        'object_presence_score': 1.0}
        store(out, init_default)
        prev_output = OrderedDict(out)
        if visualize:
            self._visualize(tracker, image, init_default['target_bbox'], out.get('segmentation'))

        for frame_num, frame_path in enumerate(seq.frames[1:], start=1):
            self._wait_if_paused()
            image = imread_rgb(frame_path)
            info = seq.frame_info(frame_num)
            info['previous_output'] = prev_output
            start_time = time.perf_counter()
            out = check_out(tracker.track(image, info), 'track', frame_num)
            elapsed = time.perf_counter() - start_time
            prev_output = OrderedDict(out)
            store(out, {'time': elapsed})
            if visualize:
                self._visualize(tracker, image, out.get('target_bbox'), out.get('segmentation'))

        num_frames = len(seq.frames)
        if num_frames > 1 and len(output['target_bbox']) <= 1:
            output.pop('target_bbox')
        elif len(output['target_bbox']) != num_frames:
            raise ValueError("{} returned 'target_bbox' for {} of the {} frames of sequence '{}'; it must return "
                             "it for every frame".format(type(tracker).__name__, len(output['target_bbox']),
                                                         num_frames, seq.name))
        for key in ('segmentation', 'object_presence_score'):
            if len(output[key]) != num_frames:
                output.pop(key)
        output['image_shape'] = image.shape[:2]
        output['object_presence_score_threshold'] = getattr(params, 'object_presence_score_threshold', 0.55)
        return output

    # ------------------------------------------------------------------ debugging / visualization
    def _init_visdom(self, visdom_info, debug):
        """Build the debug sink (``self.visdom``): visdom and/or PNG files (``visdom_info['save_debug']``).

        An unreachable visdom server is reported once (with the address) and the run goes on with the file
        output; the matplotlib window fallback is only used when no file output is asked for and a display
        exists."""
        visdom_info = {} if visdom_info is None else visdom_info
        self.pause_mode = False
        self.step = False
        self.visdom = None
        self._matplotlib_ok = False
        if not debug:
            return
        from pytracking.utils.visdom import create_debug_sink, display_available
        self.visdom, _ = create_debug_sink(debug, visdom_info,
                                           {'handler': self._visdom_ui_handler, 'win_id': 'Tracking'})
        self._matplotlib_ok = self.visdom is None and display_available()

    def _visdom_ui_handler(self, data):
        if data.get('event_type') == 'KeyPress':
            if data.get('key') == ' ':
                self.pause_mode = not self.pause_mode
            elif data.get('key') == 'ArrowRight' and self.pause_mode:
                self.step = True

    def _wait_if_paused(self):
        while self.pause_mode:
            if self.step:
                self.step = False
                return
            time.sleep(0.1)

    def _visualize(self, tracker, image, box, segmentation=None):
        if self.visdom is not None and hasattr(tracker, 'visdom_draw_tracking'):
            tracker.visdom_draw_tracking(image, box, segmentation)
            return
        if box is None or not getattr(self, '_matplotlib_ok', True):
            return
        import matplotlib.pyplot as plt
        import matplotlib.patches as patches
        if self._fig is None or not plt.fignum_exists(self._fig.number):
            plt.ion()
            self._fig, self._ax = plt.subplots(1)
            self._fig.canvas.manager.set_window_title(self.name)
        self._ax.cla()
        self._ax.imshow(image)
        x, y, w, h = _box_list(box)[:4]
        self._ax.add_patch(patches.Rectangle((x, y), w, h, linewidth=1, edgecolor='r', facecolor='none'))
        self._ax.set_axis_off()
        plt.draw()
        plt.pause(0.001)
