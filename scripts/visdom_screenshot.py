"""Screenshot of the visdom debug page while FCOT tracks (for reviewers; needs Debian `chromium`).

    python scripts/visdom_screenshot.py [--out docs/visdom_screenshot.png] [--debug 3] [--frames 12]
                                        [--shot_after 8] [--net fcot.pth] [--port P]

Starts an offline visdom server (run scripts/setup_visdom_offline.sh once before) on a free loopback port,
tracks a generated sequence with FCOT (an untrained ResNet-18 FCOT at a 144-px search size unless --net is
given: the maps then show the pipeline, not a trained tracker) with the debug panels sent to visdom, and after
``--shot_after`` frames takes a headless Chromium screenshot of the page (``--virtual-time-budget=10000`` lets
the page's JavaScript render) while the tracker goes on.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
sys.path.insert(0, _REPO_ROOT)
sys.path.insert(0, os.path.join(_REPO_ROOT, 'tests'))


def chromium_binary():
    for name in ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit('no chromium found: apt-get install -y chromium')


def screenshot(url, out, size=(1800, 1500), budget_ms=10000):
    profile = tempfile.mkdtemp(prefix='chromium_profile_')
    cmd = [chromium_binary(), '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
           '--hide-scrollbars', '--user-data-dir=' + profile, '--window-size={},{}'.format(*size),
           '--virtual-time-budget={}'.format(budget_ms), '--screenshot=' + os.path.abspath(out), url]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not os.path.isfile(out):
        raise SystemExit('chromium wrote no screenshot:\n' + res.stderr[-3000:])
    return out


def main(argv=None):
    import torch
    import debug_helpers as dh
    from ltr.models.tracking.fcotnet import fcotnet
    from pytracking import make_tracker
    from pytracking.utils.visdom import HELP_TEXT, Visdom

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default=os.path.join(_REPO_ROOT, 'docs', 'visdom_screenshot.png'))
    parser.add_argument('--debug', type=int, default=3)
    parser.add_argument('--frames', type=int, default=12)
    parser.add_argument('--shot_after', type=int, default=8)
    parser.add_argument('--net', default=None)
    parser.add_argument('--port', type=int, default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    ok, why = dh.visdom_offline_ready()
    if not ok:
        raise SystemExit('visdom is not set up for offline use ({}); run scripts/setup_visdom_offline.sh'.format(why))
    env_dir = tempfile.mkdtemp(prefix='visdom_env_')
    port = args.port or dh.free_port()
    server = dh.start_visdom_server(env_dir, port)
    try:
        if args.net:
            tracker = make_tracker('fcot', 'default', net=args.net, use_gpu=False, seed=0)
            frames, boxes = dh.moving_square_frames(args.frames, hw=(240, 320))
        else:
            torch.manual_seed(0)
            net = fcotnet(backbone_pretrained=False, backbone='resnet18', num_dist_bins=100, bin_displacement=0.1,
                          init_gauss_sigma=0.9, mask_init_factor=3.0, optim_init_step=0.9, optim_init_reg=0.1)
            tracker = make_tracker('fcot', 'default', net=net, use_gpu=False, image_sample_size=144, seed=0,
                                   clamp_box_per_axis=True, init_train_frames=2, train_skipping=2,
                                   target_not_found_threshold=-1e9, distractor_threshold=1e9,
                                   hard_negative_threshold=1e9)
            frames, boxes = dh.moving_square_frames(args.frames, hw=(240, 320))
        tracker.params.debug = args.debug
        vis = Visdom(args.debug, None, {'server': '127.0.0.1', 'port': port})
        vis.register(HELP_TEXT, 'text', 1, 'Help')
        tracker.visdom = vis
        reached = threading.Event()

        def run():
            tracker.initialize(frames[0], {'init_bbox': boxes[0]})
            for i, im in enumerate(frames[1:], start=2):
                tracker.track(im)
                if i >= args.shot_after:
                    reached.set()
            reached.set()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        reached.wait()
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        print('screenshot of http://127.0.0.1:{}/ -> {}'.format(port, screenshot(
            'http://127.0.0.1:{}/'.format(port), args.out)))
        worker.join()
        vis.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(env_dir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
