"""FCOT as a TraX tracker process, driven by the real TraX client of ``vot-trax`` (what the VOT toolkit uses):
rectangle and polygon initialisation, image paths, clean exit on quit; and the trackers.ini section."""
import os
import socket
import subprocess
import sys

import cv2
import numpy as np
import trax
import trax.client

import debug_helpers as dh
from pytracking.vot.trackers_ini import trackers_ini_section
from pytracking.vot.trax_server import region_to_box


def _start(tmp_path, net, param='demo'):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    srv.listen(1)
    env = dict(os.environ, TRAX_SOCKET=str(srv.getsockname()[1]), OMP_NUM_THREADS='1',
               PYTHONPATH=os.pathsep.join([dh.REPO_ROOT, os.environ.get('PYTHONPATH', '')]))
    proc = subprocess.Popen([sys.executable, '-m', 'pytracking.vot.trax_server', 'fcot', param, '--net', net],
                            cwd=str(tmp_path), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    client = trax.client.Client(stream=srv.fileno(), timeout=120, log=lambda message: None)
    return proc, client, srv


def test_trax_session_rectangle_and_polygon(tmp_path):
    net = dh.save_tiny_checkpoint(tmp_path / 'net.pth')
    frames, boxes = dh.moving_square_frames(num_frames=5)
    paths = []
    for i, frame in enumerate(frames):
        paths.append(str(tmp_path / '{:08d}.jpg'.format(i + 1)))
        cv2.imwrite(paths[-1], frame[:, :, ::-1])
    proc, client, srv = _start(tmp_path, net)
    try:
        assert client.tracker_name == 'FCOT'
        assert set(client.region_formats) >= {'rectangle', 'polygon'} and 'path' in client.image_formats
        x, y, w, h = boxes[0]
        objects, _ = client.initialize({'color': trax.FileImage.create(paths[0])},
                                       [(trax.Rectangle.create(x, y, w, h), {})], {})
        np.testing.assert_allclose(objects[0][0].bounds(), boxes[0], atol=1e-4)
        for path in paths[1:3]:
            objects, _ = client.frame({'color': trax.FileImage.create(path)}, {}, [])
            bx = objects[0][0].bounds()
            assert len(bx) == 4 and all(np.isfinite(bx)) and bx[2] > 0 and bx[3] > 0
        # re-initialisation with a polygon (the VOT reset protocol), converted like the 'vot' parameter file
        poly = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        objects, _ = client.initialize({'color': trax.FileImage.create(paths[3])},
                                       [(trax.Polygon.create(poly), {})], {})
        np.testing.assert_allclose(objects[0][0].bounds(), [x, y, w + 1, h + 1], atol=1e-3)   # preserve_area
        objects, _ = client.frame({'color': trax.FileImage.create(paths[4])}, {}, [])
        client.quit()
        assert proc.wait(60) == 0, proc.stderr.read().decode()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
        srv.close()


def test_region_to_box_conversions():
    rect = trax.Rectangle.create(3, 4, 10, 20)
    assert region_to_box(rect) == [3.0, 4.0, 10.0, 20.0]
    poly = trax.Polygon.create([(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)])
    assert region_to_box(poly, 'union') == [0.0, 0.0, 10.0, 10.0]
    np.testing.assert_allclose(region_to_box(poly, 'preserve_area'), [0.0, 0.0, 11.0, 11.0])


def test_trackers_ini_section_runs_this_interpreter(tmp_path):
    text = trackers_ini_section('fcot', 'demo', 'FCOT_demo', net=str(tmp_path / 'n.pth'), threads=2)
    lines = dict(line.split(' = ', 1) for line in text.splitlines()[1:] if ' = ' in line)
    assert text.splitlines()[0] == '[FCOT_demo]' and lines['protocol'] == 'trax'
    assert lines['command'].startswith(sys.executable + ' -m pytracking.vot.trax_server fcot demo --net ')
    assert lines['command'].endswith('--threads 2') and lines['env_PYTHONPATH'] == dh.REPO_ROOT
    assert 'paths' not in lines                 # vot-toolkit 0.9.0 rejects a 'paths' key
    proc = subprocess.run([sys.executable, '-m', 'pytracking.vot.trackers_ini', 'fcot', 'demo', '--name', 'bad name'],
                          cwd=dh.REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and 'letters, digits' in proc.stderr
