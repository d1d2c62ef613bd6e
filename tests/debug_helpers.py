"""Helpers of the debug-visualisation / video tests: a tiny untrained FCOT checkpoint, a parameter package for
it, generated videos, free ports, a real visdom server and the CLI runner."""
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request

import cv2
import numpy as np

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
PARAM_PACKAGE = 'fcot_debugtest'
PARAM_MODULE = PARAM_PACKAGE + '.params'


def save_tiny_checkpoint(path):
    """An untrained ResNet-18 FCOT as a checkpoint with its constructor (loadable by ``load_network``)."""
    import torch
    from ltr.models.tracking.fcotnet import fcotnet
    torch.manual_seed(0)
    net = fcotnet(backbone_pretrained=False, backbone='resnet18', num_dist_bins=100, bin_displacement=0.1,
                  init_gauss_sigma=0.9, mask_init_factor=3.0, optim_init_step=0.9, optim_init_reg=0.1)
    torch.save({'net': net.state_dict(), 'constructor': net.constructor}, str(path))
    return str(path)


def write_param_package(folder, checkpoint):
    """``<folder>/fcot_debugtest/params.py``: FCOT at a 144-px search size on the CPU with ``checkpoint``;
    thresholds that always accept the target, so the online optimisation (level-3 panels) runs every 2nd frame.
    Put ``folder`` on PYTHONPATH and use the parameter name ``fcot_debugtest.params``."""
    pkg = os.path.join(str(folder), PARAM_PACKAGE)
    os.makedirs(pkg, exist_ok=True)
    open(os.path.join(pkg, '__init__.py'), 'w').close()
    with open(os.path.join(pkg, 'params.py'), 'w') as f:
        f.write(textwrap.dedent('''\
            from pytracking.parameter.fcot.base import fcot_parameters


            def parameters():
                return fcot_parameters(image_sample_size=144, use_gpu=False, seed=0, clamp_box_per_axis=True,
                                       init_train_frames=2, train_skipping=2, net_opt_iter=2, net_opt_iter_72=2,
                                       reg_net_opt_iter=2, target_not_found_threshold=-1e9,
                                       distractor_threshold=1e9, hard_negative_threshold=1e9, net={!r})
            ''').format(str(checkpoint)))
    return str(folder)


def moving_square_frames(num_frames=8, hw=(120, 160), seed=0):
    """RGB frames: dark noise with a bright textured square moving right 4 px per frame; boxes [x, y, w, h]."""
    rng = np.random.default_rng(seed)
    target = rng.integers(150, 255, (24, 28, 3), dtype=np.uint8)
    frames, boxes = [], []
    for i in range(num_frames):
        im = rng.integers(0, 60, hw + (3,), dtype=np.uint8)
        x, y = 30 + 4 * i, 40
        im[y:y + 24, x:x + 28] = target
        frames.append(im)
        boxes.append([x, y, 28, 24])
    return frames, boxes


def write_video(path, frames, fps=10):
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), fps, (w, h))
    assert writer.isOpened(), 'cv2.VideoWriter cannot write mp4v here'
    for im in frames:
        writer.write(cv2.cvtColor(im, cv2.COLOR_RGB2BGR))
    writer.release()
    return str(path)


def read_video(path):
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    cap.release()
    return frames


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def run_cli(script, args, env_extra=None, timeout=600):
    """Run ``python pytracking/<script> args`` from the repo root; returns the CompletedProcess."""
    env = dict(os.environ)
    env.update(env_extra or {})
    env.setdefault('OMP_NUM_THREADS', '2')
    env.pop('DISPLAY', None)
    env.pop('WAYLAND_DISPLAY', None)
    return subprocess.run([sys.executable, os.path.join(REPO_ROOT, 'pytracking', script)] + [str(a) for a in args],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def visdom_offline_ready():
    """(ok, message): whether visdom's static assets are installed (scripts/setup_visdom_offline.sh)."""
    import visdom
    built = os.path.join(os.path.dirname(visdom.__file__), 'static', 'version.built')
    if not os.path.isfile(built) or open(built).read().strip() != visdom.__version__:
        return False, '{} missing or not {}'.format(built, visdom.__version__)
    import tornado
    if tornado.version_info >= (6, 6):
        return False, 'tornado {} answers 403 on the visdom page; install tornado<6.6'.format(tornado.version)
    return True, ''


def start_visdom_server(env_path, port, timeout=90):
    """Start ``python -m visdom.server`` on 127.0.0.1:port; returns the Popen once the page answers 200."""
    log = open(os.path.join(str(env_path), 'server.log'), 'w')
    proc = subprocess.Popen([sys.executable, '-m', 'visdom.server', '-port', str(port), '-bind_local',
                             '-env_path', str(env_path)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen('http://127.0.0.1:{}/'.format(port), timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    log.close()
    raise RuntimeError('visdom server did not start on port {}:\n{}'.format(
        port, open(os.path.join(str(env_path), 'server.log')).read()[-3000:]))


def window(vis, win):
    """The stored JSON of a visdom window (``get_window_data``), or None if it does not exist."""
    if not vis.win_exists(win):
        return None
    return json.loads(vis.get_window_data(win))


def send_browser_event(port, event):
    """Send ``event`` to the python clients the way the visdom page does (websocket ``/socket``, command
    ``forward_to_vis``), e.g. ``{'event_type': 'KeyPress', 'key': ' ', 'target': 'Tracking', 'eid': 'main'}``."""
    import websocket
    ws = websocket.create_connection('ws://127.0.0.1:{}/socket'.format(port), timeout=10)
    try:
        packet = dict(event)
        packet.setdefault('pane_data', False)
        ws.send(json.dumps({'cmd': 'forward_to_vis', 'data': packet}))
        time.sleep(0.2)
    finally:
        ws.close()


def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
