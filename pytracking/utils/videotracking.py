"""Tracking a video file, an image folder or a camera: shared code of ``run_video.py`` and ``run_webcam.py``.

* :class:`FrameSource` reads RGB frames from a video file (OpenCV), a folder of images (sorted by name) or a
  camera index, and fails with a clear message when it cannot.
* :func:`prepare_tracker` builds the tracker from ``pytracking/parameter/<name>/<param>.py`` (optionally with
  another network file), falling back to the CPU with a note when the parameters ask for CUDA and there is none.
* :func:`track_headless` tracks from a given box and writes the annotated video and the box file.
* :func:`track_interactive` opens an OpenCV window ``Display: <tracker>``: draw the box with two left clicks
  (or press ENTER after dragging it), ``r`` resets, ``q`` quits, SPACE pauses (a video starts paused until a
  box exists).
"""
import os
import time

import cv2
import numpy as np

__all__ = ['FrameSource', 'SourceError', 'prepare_tracker', 'track_headless', 'track_interactive',
           'draw_box', 'gui_available', 'make_ui_handler', 'IMAGE_EXTENSIONS']

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
from pytracking.utils.visual_style import TRACKER_BGR, draw_legend  # noqa: E402

BOX_COLOR_BGR = TRACKER_BGR   # the tracker's box is red everywhere (pytracking.utils.visual_style)


class SourceError(RuntimeError):
    """A video, folder or camera that cannot be read (the message says which and why)."""


class FrameSource:
    """Frames (H, W, 3) uint8 RGB from a video file, an image folder, or a camera index (int)."""

    def __init__(self, source):
        self.source = source
        self.files = None
        self.cap = None
        self.index = 0
        if isinstance(source, int):
            self.cap = cv2.VideoCapture(source)
            if not self.cap.isOpened():
                raise SourceError('No camera found: could not open camera {} (cv2.VideoCapture({})). Connect a '
                                  'camera, or track a recorded video with run_video.py.'.format(source, source))
            self.name = 'webcam{}'.format(source)
            self.fps = self.cap.get(cv2.CAP_PROP_FPS) or 30.0
            self.is_live = True
        elif os.path.isdir(source):
            self.files = sorted(os.path.join(source, f) for f in os.listdir(source)
                                if f.lower().endswith(IMAGE_EXTENSIONS))
            if not self.files:
                raise SourceError('No images ({}) in folder {!r}'.format(', '.join(IMAGE_EXTENSIONS), source))
            self.name = os.path.basename(os.path.normpath(source))
            self.fps = 30.0
            self.is_live = False
        elif os.path.isfile(source):
            self.cap = cv2.VideoCapture(source)
            if not self.cap.isOpened():
                raise SourceError('OpenCV cannot read the video file {!r}'.format(source))
            self.name = os.path.splitext(os.path.basename(source))[0]
            fps = self.cap.get(cv2.CAP_PROP_FPS)
            self.fps = fps if fps and 0 < fps < 1000 else 30.0
            self.is_live = False
        else:
            raise SourceError('No such video file or image folder: {!r}'.format(source))

    def read(self):
        """The next RGB frame, or None at the end."""
        if self.files is not None:
            if self.index >= len(self.files):
                return None
            bgr = cv2.imread(self.files[self.index])
            if bgr is None:
                raise SourceError('Cannot read image {!r}'.format(self.files[self.index]))
        else:
            ok, bgr = self.cap.read()
            if not ok:
                return None
        self.index += 1
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def release(self):
        if self.cap is not None:
            self.cap.release()


def gui_available():
    """(ok, reason): whether an OpenCV window can be opened here."""
    from pytracking.utils.visdom import display_available
    if not display_available():
        return False, 'no display (the DISPLAY environment variable is not set)'
    try:
        cv2.namedWindow('__probe__', cv2.WINDOW_NORMAL)
        cv2.destroyWindow('__probe__')
    except cv2.error as e:
        return False, 'this OpenCV build has no GUI support ({})'.format(str(e).strip().splitlines()[-1][:120])
    return True, ''


def prepare_tracker(tracker_name, tracker_param, net=None, debug=0, sink=None):
    """(tracker object, Tracker wrapper) for ``tracker_name``/``tracker_param``; ``net`` replaces the network.
    ``params.use_gpu`` is honoured (None: CUDA when available; True without CUDA raises when the net loads)."""
    from pytracking.evaluation.tracker import Tracker
    wrapper = Tracker(tracker_name, tracker_param)
    params = wrapper.get_parameters()
    params.debug = debug
    params.visualization = bool(debug)
    if net is not None:
        from pytracking.features.net_wrappers import NetWithBackbone
        params.net = NetWithBackbone(net_path=os.path.abspath(net) if os.path.exists(net) else net,
                                     use_gpu=getattr(params, 'use_gpu', None))
    tracker = wrapper.get_tracker_class()(params)
    tracker.visdom = sink
    return tracker, wrapper


def draw_box(frame_bgr, box, color=BOX_COLOR_BGR, thickness=3, legend='tracker'):
    """Draw the tracker's ``[x, y, w, h]`` box (red) and a legend naming it, in place."""
    x, y, w, h = (int(round(v)) for v in box)
    cv2.rectangle(frame_bgr, (x, y), (x + w, y + h), color, thickness)
    if legend:
        draw_legend(frame_bgr, [(legend, color)])
    return frame_bgr


def _write_boxes(path, boxes):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    np.savetxt(path, np.asarray(boxes, dtype=np.float64).reshape(-1, 4), delimiter='\t', fmt='%d')


def _box_list(box):
    return [float(v) for v in np.asarray(box, dtype=np.float64).reshape(-1)[:4]]


def make_ui_handler(state):
    """A visdom key handler for ``Visdom(ui_info={'handler': ...})``: SPACE toggles ``state['pause']``, the
    right arrow key sets ``state['step']`` (one frame while paused)."""
    state.setdefault('pause', False)
    state.setdefault('step', False)

    def handler(data):
        if data.get('event_type') != 'KeyPress':
            return
        if data.get('key') == ' ':
            state['pause'] = not state['pause']
        elif data.get('key') == 'ArrowRight' and state['pause']:
            state['step'] = True
    return handler


def _wait_if_paused(state):
    while state is not None and state.get('pause'):
        if state.get('step'):
            state['step'] = False
            return
        time.sleep(0.1)


def track_headless(tracker, source, init_box, output_video, box_file=None, sink=None, max_frames=None,
                   verbose=True, pause_state=None):
    """Track ``source`` from ``init_box`` ([x, y, w, h] on frame 1); writes ``output_video`` (mp4v) with the
    boxes drawn and, when given, ``box_file`` (one tab-separated integer box per frame). Returns the boxes."""
    frame = source.read()
    if frame is None:
        raise SourceError('{!r} has no frames'.format(source.source))
    os.makedirs(os.path.dirname(os.path.abspath(output_video)), exist_ok=True)
    h, w = frame.shape[:2]
    writer = cv2.VideoWriter(output_video, cv2.VideoWriter_fourcc(*'mp4v'), float(source.fps), (w, h))
    if not writer.isOpened():
        raise SourceError('OpenCV cannot write the video {!r} (codec mp4v)'.format(output_video))
    if sink is not None and hasattr(sink, 'begin_sequence'):
        sink.begin_sequence('video_' + source.name)
    boxes, times = [], []
    try:
        num = 0
        while frame is not None:
            _wait_if_paused(pause_state)  # SPACE / right arrow in visdom's 'Tracking' window
            tic = time.perf_counter()
            if num == 0:
                tracker.initialize(frame, {'init_bbox': _box_list(init_box)})
                box = _box_list(init_box)
            else:
                box = _box_list(tracker.track(frame)['target_bbox'])
            times.append(time.perf_counter() - tic)
            boxes.append(box)
            writer.write(draw_box(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), box))
            num += 1
            if verbose:
                print('frame {:5d}  box {}  {:.0f} ms'.format(num, [round(v, 1) for v in box], 1000 * times[-1]),
                      flush=True)
            if max_frames is not None and num >= max_frames:
                break
            frame = source.read()
    finally:
        writer.release()
        if sink is not None and hasattr(sink, 'end_sequence'):
            sink.end_sequence()
    if box_file:
        _write_boxes(box_file, boxes)
    if verbose and len(times) > 1:
        print('{} frames, {:.1f} FPS (tracking, init excluded); wrote {}{}'.format(
            len(boxes), (len(times) - 1) / max(sum(times[1:]), 1e-9), output_video,
            ' and ' + box_file if box_file else ''))
    return boxes


class _BoxSelector:
    """Two left clicks (top-left, bottom-right) define a box; the mouse position previews it."""

    def __init__(self):
        self.first = None
        self.current = None
        self.box = None

    def on_mouse(self, event, x, y, flags, param):
        self.current = (x, y)
        if event == cv2.EVENT_LBUTTONDOWN:
            if self.first is None:
                self.first = (x, y)
            else:
                x0, y0 = min(self.first[0], x), min(self.first[1], y)
                x1, y1 = max(self.first[0], x), max(self.first[1], y)
                if x1 - x0 > 2 and y1 - y0 > 2:
                    self.box = [x0, y0, x1 - x0, y1 - y0]
                self.first = None

    def reset(self):
        self.first = self.current = self.box = None


def track_interactive(tracker, source, title, init_box=None, output_video=None, box_file=None, sink=None,
                      pause_state=None):
    """OpenCV-window loop (see module doc). ``pause_state``: a dict whose 'pause'/'step' keys visdom's key
    handler may set. Returns the list of (frame index, box) pairs tracked."""
    window = 'Display: {}'.format(title)
    cv2.namedWindow(window, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO)
    cv2.resizeWindow(window, 960, 720)
    selector = _BoxSelector()
    cv2.setMouseCallback(window, selector.on_mouse)
    state = pause_state if pause_state is not None else {}
    state.setdefault('pause', not source.is_live and init_box is None)
    state.setdefault('step', False)
    writer, results = None, []
    initialized = False
    pending_box = _box_list(init_box) if init_box is not None else None
    frame = source.read()
    if sink is not None and hasattr(sink, 'begin_sequence'):
        sink.begin_sequence('video_' + source.name)
    index = 0
    try:
        while frame is not None:
            if selector.box is not None:
                pending_box, selector.box = selector.box, None
                initialized = False
            display = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)
            box = None
            if pending_box is not None and not initialized:
                tracker.initialize(frame, {'init_bbox': pending_box})
                box, initialized, pending_box = pending_box, True, None
                state['pause'] = False if not source.is_live else state['pause']
            elif initialized and (not state['pause'] or state['step'] or source.is_live):
                box = _box_list(tracker.track(frame)['target_bbox'])
            if box is not None:
                results.append((index, box))
                draw_box(display, box)
            elif selector.first is not None and selector.current is not None:
                cv2.rectangle(display, selector.first, selector.current, (0, 255, 255), 1)
            msg = 'Select target: click top-left, then bottom-right' if not initialized else \
                ('PAUSED (space: resume)' if state['pause'] else 'Tracking')
            cv2.putText(display, msg + "  |  r: reset, q: quit", (10, 25), cv2.FONT_HERSHEY_SIMPLEX, 0.6,
                        (0, 0, 0), 3, cv2.LINE_AA)
            cv2.putText(display, msg + "  |  r: reset, q: quit", (10, 25), cv2.FONT_HERSHEY_SIMPLEX, 0.6,
                        (255, 255, 255), 1, cv2.LINE_AA)
            cv2.imshow(window, display)
            if output_video and box is not None:
                if writer is None:
                    writer = cv2.VideoWriter(output_video, cv2.VideoWriter_fourcc(*'mp4v'), float(source.fps),
                                             display.shape[1::-1])
                writer.write(draw_box(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), box))
            key = cv2.waitKey(1 if not state['pause'] else 30) & 0xFF
            if key == ord('q'):
                break
            if key == ord('r'):
                selector.reset()
                initialized, pending_box = False, None
                state['pause'] = not source.is_live
            elif key == ord(' '):
                state['pause'] = not state['pause']
            elif key == 13 and not initialized:  # ENTER: OpenCV's drag selection as an alternative
                roi = cv2.selectROI(window, display, fromCenter=False)
                if roi[2] > 0 and roi[3] > 0:
                    selector.box = [int(v) for v in roi]
            advance = source.is_live or (not state['pause'] and (initialized or pending_box is not None)) \
                or state['step']
            state['step'] = False
            if advance:
                frame = source.read()
                index += 1
    finally:
        if writer is not None:
            writer.release()
        cv2.destroyWindow(window)
        if sink is not None and hasattr(sink, 'end_sequence'):
            sink.end_sequence()
    if box_file and results:
        _write_boxes(box_file, [b for _, b in results])
    return results
