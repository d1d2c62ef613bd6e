"""Debug visualisation for trackers: a visdom front end and a file (PNG) back end with the same interface.

Both sinks take panels through ``register(data, mode, debug_level=0, title='Data')``: a panel whose
``debug_level`` is above the sink's ``debug`` level is never drawn. Modes:

==============  ==============================================================================================
``'Tracking'``  ``(image, box1, box2, ...)``: (H, W, 3) uint8 RGB image and [x, y, w, h] boxes (lists/tensors);
                the image is downscaled to at most 480 px and the boxes drawn in distinct colours
``'image'``     (3, H, W) float tensor/array in [0, 1] or [0, 255], or (H, W, 3) uint8
``'heatmap'``   2-D tensor/array (squeezed); visdom draws rows bottom-up, so it is sent flipped
``'info_dict'`` dict, shown as ``key: value`` lines (floats with 2 decimals, '_' shown as a space)
``'text'``      a string
``'lineplot'``  a 1-D tensor (y), a tuple (y, x), or a dict name -> y (one line per entry)
==============  ==============================================================================================

:class:`Visdom` (pytracking's interface) additionally shows a 'Block List' window whose checkboxes toggle
panels, and forwards key presses in the window ``ui_info['win_id']`` to ``ui_info['handler']`` (the runner
pauses on SPACE and steps one frame on the right arrow key). :class:`DebugFileWriter` writes every panel as
``<folder>/<sequence>/<panel>/<frame:05d>.png`` and a ``summary.png`` montage per sequence.
:func:`create_debug_sink` builds what a run asks for and never raises for an unreachable server: it prints
one warning naming the address and goes on with the file output (if any).
"""
import html
import os
import re
import socket
import sys
import threading

import cv2
import numpy as np

__all__ = ['Visdom', 'DebugFileWriter', 'MultiSink', 'VisdomUnavailable', 'create_debug_sink',
           'render_panel', 'display_available']

from pytracking.utils.visual_style import GT_RGB, SEARCH_RGB, TRACKER_RGB, draw_legend  # noqa: E402

#: Box colours (RGB) of a 'Tracking' payload ``(image, tracker box, search area, ground truth, ...)``: the project's
#: visual language (tracker red, search area blue, ground truth green), then other colours.
BOX_COLORS = [TRACKER_RGB, SEARCH_RGB, GT_RGB, (255, 255, 0), (255, 0, 255), (0, 255, 255), (255, 128, 0),
              (128, 0, 255)]
BOX_LABELS = ['tracker', 'search area', 'ground truth']
MAX_TRACKING_SIDE = 480

_warned = set()
_warn_lock = threading.Lock()
_clients = {}  # (server, port, env) -> Visdom, reused by create_debug_sink


def warn_once(key, message):
    """Print ``message`` to stderr the first time ``key`` is seen in this process; returns True if printed."""
    with _warn_lock:
        if key in _warned:
            return False
        _warned.add(key)
    print(message, file=sys.stderr, flush=True)
    return True


def display_available():
    """True when a GUI window can be opened (an X/Wayland display on Linux; always True elsewhere)."""
    if sys.platform.startswith('linux'):
        return bool(os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY'))
    return True


def _numpy(x):
    if hasattr(x, 'detach'):
        x = x.detach().cpu().float().numpy()
    return np.asarray(x)


def _box(b):
    return [float(v) for v in _numpy(b).reshape(-1)[:4]]


def _slug(title):
    return re.sub(r'[^A-Za-z0-9_.-]+', '_', str(title)).strip('_') or 'panel'


def _image_hwc_uint8(data):
    """(H, W, 3) uint8 from an HWC uint8 image or a CHW float image ([0, 1] or [0, 255])."""
    im = _numpy(data)
    if im.ndim == 4:
        im = im[0]
    if im.ndim == 3 and im.shape[0] in (1, 3) and im.shape[2] not in (1, 3):
        im = np.transpose(im, (1, 2, 0))
    if im.ndim == 2:
        im = im[:, :, None]
    if im.shape[2] == 1:
        im = np.repeat(im, 3, axis=2)
    if im.dtype != np.uint8:
        im = im.astype(np.float32)
        if im.max(initial=0) <= 1.0:
            im = im * 255
        im = np.clip(im, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(im)


def tracking_image(data, max_side=MAX_TRACKING_SIDE, thickness=2):
    """Image of a 'Tracking' payload ``(image, box1, box2, ...)``: downscaled to ``max_side``, boxes drawn."""
    if not isinstance(data, (list, tuple)):
        data = (data,)
    image = _image_hwc_uint8(data[0])
    scale = min(1.0, float(max_side) / max(image.shape[:2]))
    if scale < 1.0:
        image = cv2.resize(image, (int(round(image.shape[1] * scale)), int(round(image.shape[0] * scale))),
                           interpolation=cv2.INTER_AREA)
    else:
        image = image.copy()
    legend = []
    for i, b in enumerate(data[1:]):
        if b is None:
            continue
        arr = _numpy(b)
        if arr.size != 4:  # a segmentation mask or something else: not drawn here
            continue
        x, y, w, h = (v * scale for v in _box(arr))
        p0 = (int(round(x)), int(round(y)))
        p1 = (int(round(x + w)), int(round(y + h)))
        cv2.rectangle(image, p0, p1, BOX_COLORS[i % len(BOX_COLORS)], thickness)
        if i < len(BOX_LABELS):
            legend.append((BOX_LABELS[i], BOX_COLORS[i]))
    if legend:   # bottom-left, where it hides least of a centred target
        line = int(22 * 0.4 / 0.45)
        draw_legend(image, legend, origin=(6, max(2, image.shape[0] - len(legend) * line - 2)), scale=0.4)
    return image


def _info_lines(data):
    lines = []
    for key, val in data.items():
        if isinstance(val, float):
            val = '{:.2f}'.format(val)
        lines.append((str(key).replace('_', ' '), str(val)))
    return lines


def _title_bar(image, title, subtitle=''):
    bar = np.full((22, image.shape[1], 3), 255, np.uint8)
    text = title if not subtitle else '{}  {}'.format(title, subtitle)
    cv2.putText(bar, text, (3, 15), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([bar, image], axis=0)


def heatmap_image(data, title='', min_side=216):
    """Jet-coloured RGB image of a 2-D map (min-max normalised, nearest upscaling), with a title bar."""
    arr = _numpy(data).astype(np.float32).squeeze()
    if arr.ndim != 2:
        raise ValueError('heatmap needs a 2-D map, got shape {}'.format(arr.shape))
    lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
    norm = np.zeros_like(arr) if hi <= lo else (arr - lo) / (hi - lo)
    rgb = cv2.applyColorMap((norm * 255).astype(np.uint8), cv2.COLORMAP_JET)[:, :, ::-1]
    factor = max(1, int(np.ceil(min_side / max(arr.shape))))
    rgb = cv2.resize(rgb, (arr.shape[1] * factor, arr.shape[0] * factor), interpolation=cv2.INTER_NEAREST)
    return _title_bar(np.ascontiguousarray(rgb), title, '[{:.3g}, {:.3g}]'.format(lo, hi))


def text_image(lines, title='', width=320):
    """White RGB image with ``lines`` (strings or (key, value) pairs)."""
    image = np.full((max(40, 20 * len(lines) + 10), width, 3), 255, np.uint8)
    for i, line in enumerate(lines):
        text = '{}: {}'.format(*line) if isinstance(line, tuple) else str(line)
        cv2.putText(image, text[:60], (6, 20 + 20 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    return _title_bar(image, title)


def _lineplot_series(data):
    """Normalise a lineplot payload into an ordered list of (name, x, y)."""
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, tuple) and len(data) == 2:
        y, x = data
        return [('', _numpy(x).reshape(-1).astype(float), _numpy(y).reshape(-1).astype(float))]
    else:
        items = [('', data)]
    out = []
    for name, y in items:
        if isinstance(y, (list, tuple)):
            y = [float(_numpy(v)) for v in y]
        y = np.asarray(_numpy(y), dtype=float).reshape(-1)
        out.append((str(name), np.arange(len(y), dtype=float), y))
    return out


def lineplot_image(data, title='', size=(320, 240), ytype='linear'):
    """RGB image of a line plot (matplotlib Agg, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(size[0] / 80, size[1] / 80), dpi=80)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    named = False
    for name, x, y in _lineplot_series(data):
        ax.plot(x, y, marker='.', label=name or None)
        named = named or bool(name)
    if named:
        ax.legend(fontsize=7)
    if ytype == 'log':
        ax.set_yscale('log')
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    canvas.draw()
    return np.ascontiguousarray(np.asarray(canvas.buffer_rgba())[:, :, :3])


def render_panel(data, mode, title='Data', **opts):
    """Render a panel payload as an (H, W, 3) uint8 RGB image (used for file output). ``opts``: ``ytype='log'``
    for line plots."""
    if mode == 'Tracking':
        return _title_bar(tracking_image(data), title)
    if mode == 'image':
        return _title_bar(_image_hwc_uint8(data), title)
    if mode == 'heatmap':
        return heatmap_image(data, title)
    if mode == 'info_dict':
        return text_image(_info_lines(data), title)
    if mode == 'text':
        return text_image(str(data).split('\n'), title, width=480)
    if mode == 'lineplot':
        return lineplot_image(data, title, ytype=opts.get('ytype', 'linear'))
    raise ValueError('unknown panel mode {!r}'.format(mode))


class VisdomUnavailable(ConnectionError):
    """The visdom server could not be reached (the message names the address tried)."""


def probe_server(server, port, timeout=2.0):
    """Raise :class:`VisdomUnavailable` unless a TCP connection to ``server:port`` opens within ``timeout`` s."""
    host = re.sub(r'^[a-z]+://', '', str(server or '127.0.0.1')).rstrip('/').split('/')[0]
    if host.startswith('['):
        host = host[1:].split(']')[0]
    elif host.count(':') == 1:
        host = host.split(':')[0]
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return
    except (OSError, ValueError) as e:
        raise VisdomUnavailable('cannot connect to the visdom server at http://{}:{} ({})'.format(
            host, port, e)) from e


class _Block:
    """One panel of the visdom page."""

    def __init__(self, owner, title, mode, show, opts):
        self.owner, self.title, self.mode, self.show, self.opts = owner, title, mode, show, dict(opts or {})
        self.data = None

    def update(self, data):
        self.data = data
        if self.show:
            self.draw()

    def draw(self):
        if self.data is None:
            return
        vis, win = self.owner.vis, self.title
        opts = dict(self.opts)
        opts.setdefault('title', self.title)
        if self.mode == 'Tracking':
            vis.image(np.transpose(tracking_image(self.data), (2, 0, 1)), win=win, opts=opts)
        elif self.mode == 'image':
            vis.image(np.transpose(_image_hwc_uint8(self.data), (2, 0, 1)), win=win, opts=opts)
        elif self.mode == 'heatmap':
            arr = _numpy(self.data).astype(np.float64).squeeze()
            vis.heatmap(np.flipud(arr).copy(), win=win, opts=opts)
        elif self.mode == 'info_dict':
            text = ''.join('<b>{}</b>: {}<br>'.format(html.escape(k, quote=False), html.escape(v, quote=False))
                           for k, v in _info_lines(self.data))
            vis.text(text, win=win, opts=opts)
        elif self.mode == 'text':
            vis.text(html.escape(str(self.data), quote=False).replace('\n', '<br>'), win=win, opts=opts)
        elif self.mode == 'lineplot':
            traces = [{'x': x.tolist(), 'y': y.tolist(), 'type': 'scatter', 'mode': 'lines+markers',
                       'name': name or self.title} for name, x, y in _lineplot_series(self.data)]
            layout = {'title': {'text': self.title}, 'showlegend': len(traces) > 1,
                      'margin': {'l': 40, 'r': 10, 't': 30, 'b': 30}}
            if opts.get('ytype') == 'log':
                layout['yaxis'] = {'type': 'log'}
            vis._send({'data': traces, 'layout': layout, 'win': win, 'eid': vis.env, 'opts': opts})
        else:
            raise ValueError('unknown panel mode {!r}'.format(self.mode))

    def hide(self):
        self.owner.vis.close(win=self.title)


def _timeout_client_class():
    try:
        import visdom
    except ModuleNotFoundError as e:
        raise VisdomUnavailable("the visdom package is not installed (it is optional): install it with "
                                "PIP_CONSTRAINT=constraints.txt pip install 'fcot[visdom]' (README, 'Install')") from e

    class _Client(visdom.Visdom):
        """visdom.Visdom whose HTTP requests time out (the stock client waits forever)."""
        request_timeout = 5.0

        def _handle_post(self, url, data=None):
            return self.session.post(url, data={} if data is None else data, timeout=self.request_timeout).text

    return _Client


class Visdom:
    """pytracking's visdom front end: ``Visdom(debug, ui_info, visdom_info)``, then ``register(...)``.

    args:
        debug - panels registered with ``debug_level <= debug`` are shown when first registered.
        ui_info - ``{'handler': fn, 'win_id': 'Tracking'}``: key presses in that window are passed to ``fn``
                  (visdom event dicts with ``event_type == 'KeyPress'`` and ``key``, e.g. ' ' or 'ArrowRight').
        visdom_info - ``{'server': '127.0.0.1', 'port': 8097, 'env': 'main'}``.
    raises:
        VisdomUnavailable when the server cannot be reached (checked with a 2 s TCP connect first, so an
        unreachable address never hangs).
    """

    def __init__(self, debug=0, ui_info=None, visdom_info=None, env=None, connect_timeout=2.0):
        visdom_info = dict(visdom_info or {})
        self.debug = debug
        self.server = visdom_info.get('server') or '127.0.0.1'
        self.port = int(visdom_info.get('port') or 8097)
        env = env or visdom_info.get('env') or 'main'
        probe_server(self.server, self.port, connect_timeout)
        client = _timeout_client_class()
        server = self.server if '://' in self.server else 'http://' + self.server
        try:
            self.vis = client(server=server, port=self.port, env=env, raise_exceptions=True,
                              use_incoming_socket=True)
        except Exception as e:
            raise VisdomUnavailable('cannot connect to the visdom server at {}:{} ({}: {})'.format(
                server, self.port, type(e).__name__, e)) from e
        self.address = '{}:{}'.format(server, self.port)
        self.blocks = {}
        self.failed = False
        self.ui_info = ui_info
        self.vis.register_event_handler(self._ui_event, (ui_info or {}).get('win_id', 'Tracking'))
        self.vis.register_event_handler(self._block_list_event, 'block_list')

    # -- events (called from visdom's socket thread)
    def _ui_event(self, data):
        if data.get('event_type') == 'KeyPress' and self.ui_info and self.ui_info.get('handler'):
            self.ui_info['handler'](data)

    def _block_list_event(self, data):
        if data.get('event_type') != 'PropertyUpdate':
            return
        titles = self._listed_titles()
        idx = int(data.get('propertyId', -1))
        if not 0 <= idx < len(titles):
            return
        block = self.blocks[titles[idx]]
        block.show = bool(data.get('value'))
        if block.show:
            block.draw()
        else:
            block.hide()
        self._send_block_list()

    def _listed_titles(self):
        return [t for t in self.blocks if t != 'Tracking']

    def _send_block_list(self):
        props = [{'type': 'checkbox', 'name': t, 'value': self.blocks[t].show} for t in self._listed_titles()]
        self.vis.properties(props, win='block_list', opts={'title': 'Block List'})

    # -- API
    def register(self, data, mode, debug_level=0, title='Data', **opts):
        """Create the panel ``title`` on first use (shown if ``debug >= debug_level``), then update its data."""
        if self.failed:
            return
        try:
            block = self.blocks.get(title)
            if block is None:
                block = _Block(self, title, mode, self.debug >= debug_level, opts)
                self.blocks[title] = block
                if title != 'Tracking':
                    self._send_block_list()
            block.update(data)
        except Exception as e:  # the server went away: say so once and stop sending
            self.failed = True
            warn_once(('visdom-lost', self.address), '!!! WARNING: lost the visdom server at {} ({}: {}); '
                      'visdom output stops here !!!'.format(self.address, type(e).__name__, e))

    def new_frame(self, frame_num):
        pass

    def begin_sequence(self, name):
        pass

    def end_sequence(self):
        pass

    def close(self):
        self.vis.use_socket = False


class DebugFileWriter:
    """Writes every registered panel as ``<folder>/<sequence>/<panel>/<frame:05d>.png`` and, at
    :meth:`end_sequence`, ``<folder>/<sequence>/summary.png`` (a montage: rows = up to ``montage_rows``
    evenly spaced frames, columns = panels; a panel not updated on a frame shows its latest earlier image)."""

    def __init__(self, folder, debug=1, montage_rows=6, tile=(256, 240)):
        self.folder = os.path.abspath(os.fspath(folder))
        self.debug = debug
        self.montage_rows = montage_rows
        self.tile = tile
        self.sequence_dir = None
        self.frame_num = 1
        self.panels = {}  # title -> slug, in first-registration order
        self.frames = []

    def begin_sequence(self, name):
        self.sequence_dir = os.path.join(self.folder, _slug(name))
        os.makedirs(self.sequence_dir, exist_ok=True)
        self.panels = {}
        self.frames = []
        self.frame_num = 1

    def new_frame(self, frame_num):
        self.frame_num = int(frame_num)
        if self.sequence_dir is None:
            self.begin_sequence('sequence')
        if not self.frames or self.frames[-1] != self.frame_num:
            self.frames.append(self.frame_num)

    def register(self, data, mode, debug_level=0, title='Data', **opts):
        if self.debug < debug_level or mode == 'text':  # help texts are not per-frame data
            return
        if self.sequence_dir is None:
            self.begin_sequence('sequence')
        if not self.frames:
            self.frames.append(self.frame_num)
        slug = self.panels.setdefault(title, _slug(title))
        path = os.path.join(self.sequence_dir, slug, '{:05d}.png'.format(self.frame_num))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        cv2.imwrite(path, cv2.cvtColor(render_panel(data, mode, title, **opts), cv2.COLOR_RGB2BGR))

    def _fit(self, image):
        tw, th = self.tile
        canvas = np.full((th, tw, 3), 235, np.uint8)
        if image is None:
            return canvas
        s = min(tw / image.shape[1], th / image.shape[0])
        im = cv2.resize(image, (max(1, int(image.shape[1] * s)), max(1, int(image.shape[0] * s))),
                        interpolation=cv2.INTER_AREA)
        canvas[:im.shape[0], :im.shape[1]] = im
        return canvas

    def end_sequence(self):
        """Write ``summary.png``; returns its path (None when nothing was registered)."""
        if self.sequence_dir is None or not self.panels or not self.frames:
            return None
        n = len(self.frames)
        rows = [self.frames[int(round(i))] for i in np.linspace(0, n - 1, min(self.montage_rows, n))]
        rows = list(dict.fromkeys(rows))
        grid = []
        for frame in rows:
            tiles = []
            for slug in self.panels.values():
                folder = os.path.join(self.sequence_dir, slug)
                names = sorted(f for f in os.listdir(folder) if f.endswith('.png') and int(f[:5]) <= frame)
                image = cv2.imread(os.path.join(folder, names[-1])) if names else None
                tiles.append(self._fit(image))
            label = np.full((self.tile[1], 60, 3), 255, np.uint8)
            cv2.putText(label, '#{}'.format(frame), (4, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (0, 0, 0), 1,
                        cv2.LINE_AA)
            grid.append(np.concatenate([label] + tiles, axis=1))
        path = os.path.join(self.sequence_dir, 'summary.png')
        cv2.imwrite(path, np.concatenate(grid, axis=0))
        return path

    def close(self):
        pass


class MultiSink:
    """Forwards every call to several sinks (e.g. visdom and files)."""

    def __init__(self, sinks):
        self.sinks = list(sinks)
        self.debug = max(s.debug for s in self.sinks)

    def register(self, data, mode, debug_level=0, title='Data', **opts):
        for s in self.sinks:
            s.register(data, mode, debug_level, title, **opts)

    def new_frame(self, frame_num):
        for s in self.sinks:
            s.new_frame(frame_num)

    def begin_sequence(self, name):
        for s in self.sinks:
            s.begin_sequence(name)

    def end_sequence(self):
        for s in self.sinks:
            s.end_sequence()

    def close(self):
        for s in self.sinks:
            s.close()


HELP_TEXT = ("You can pause/unpause the tracker by pressing 'space' with the 'Tracking' window selected. During "
             "paused mode, you can track for one frame by pressing the right arrow key. To enable/disable plotting "
             "of a data block, tick/untick the corresponding entry in block list.")


def create_debug_sink(debug, visdom_info=None, ui_info=None):
    """The debug sink a run asks for, or None.

    ``visdom_info``: ``use_visdom`` (default True), ``server``, ``port``, ``env`` and ``save_debug`` (a folder
    for PNG output). Nothing is built when ``debug <= 0``. When visdom is wanted but unreachable, one warning
    naming the address is printed (once per address and process) and the file output (if any) is used alone.
    Returns ``(sink, visdom_failed)``.
    """
    visdom_info = dict(visdom_info or {})
    if not debug or debug <= 0:
        return None, False
    sinks, failed = [], False
    key = ('visdom', visdom_info.get('server'), visdom_info.get('port'))
    if visdom_info.get('use_visdom', True) and key in _warned:
        failed = True  # already reported unreachable in this process: do not try (and wait) again
    elif visdom_info.get('use_visdom', True):
        cache_key = (visdom_info.get('server'), visdom_info.get('port'), visdom_info.get('env'))
        cached = _clients.get(cache_key)
        try:
            if cached is not None and not cached.failed:  # one connection per process and server
                cached.debug = debug
                cached.ui_info = ui_info
                sinks.append(cached)
            else:
                vis = Visdom(debug, ui_info, visdom_info)
                vis.register(HELP_TEXT, 'text', 1, 'Help')
                _clients[cache_key] = vis
                sinks.append(vis)
        except Exception as e:
            failed = True
            if visdom_info.get('save_debug'):
                where = 'the PNG files in {}'.format(visdom_info['save_debug'])
            elif display_available():
                where = 'the matplotlib window'
            else:
                where = 'no visual output (add --save_debug DIR for PNG files)'
            warn_once(key, '!!! WARNING: Visdom could not start: {}. Continuing with {} !!!\n'
                      "!!! Start Visdom in a separate terminal window by typing 'visdom' (or pass "
                      "--visdom_server/--visdom_port) !!!".format(e, where))
    elif not visdom_info.get('save_debug') and not display_available():
        warn_once(('nowhere',), 'Note: --debug {} with --use_visdom false, no display and no --save_debug: the debug '
                                'panels are not shown anywhere. Add --save_debug DIR to write them as PNG files, or '
                                'start visdom and drop --use_visdom false.'.format(debug))
    if visdom_info.get('save_debug'):
        sinks.append(DebugFileWriter(visdom_info['save_debug'], debug))
    if not sinks:
        return None, failed
    return (sinks[0] if len(sinks) == 1 else MultiSink(sinks)), failed
