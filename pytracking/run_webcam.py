"""Track a target in the live stream of a camera (default: camera 0).

    python run_webcam.py fcot default [--debug N --use_visdom true --visdom_server HOST --visdom_port P]

An OpenCV window 'Display: <tracker>' opens: draw the box with two left clicks (top-left, then bottom-right),
``r`` resets, ``q`` quits, SPACE pauses. It needs a camera and a display (and an OpenCV build with GUI
support); when one is missing it exits with status 2 and a message saying what is missing. To track without a
display, record a video and use ``run_video.py --headless``.
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from pytracking.utils.argtypes import add_debug_arguments, visdom_info_from_args  # noqa: E402

__all__ = ['run_webcam', 'main']


def run_webcam(tracker_name, tracker_param, debug=0, visdom_info=None, camera=0, net=None, output=None,
               save_debug=None):
    """Track in camera ``camera``'s stream; raises ``SourceError`` without a camera or a display."""
    from pytracking.utils.videotracking import (FrameSource, SourceError, gui_available, make_ui_handler,
                                                prepare_tracker, track_interactive)
    from pytracking.utils.visdom import create_debug_sink
    problems = []
    source = None
    try:
        source = FrameSource(int(camera))
    except SourceError as e:
        problems.append(str(e))
    ok, reason = gui_available()
    if not ok:
        problems.append('Cannot open the tracking window: {}. run_webcam needs a display; without one, record a '
                        'video and run run_video.py --headless --optional_box x y w h'.format(reason))
    if problems:
        if source is not None:
            source.release()
        raise SourceError('\n'.join(problems))
    visdom_info = dict(visdom_info or {})
    visdom_info['save_debug'] = save_debug
    pause_state = {'pause': False, 'step': False}
    sink, _ = create_debug_sink(debug, visdom_info, {'handler': make_ui_handler(pause_state), 'win_id': 'Tracking'})
    tracker, wrapper = prepare_tracker(tracker_name, tracker_param, net, debug, sink)
    try:
        return track_interactive(tracker, source, wrapper.name, None, output, sink=sink, pause_state=pause_state)
    finally:
        source.release()


def build_parser():
    parser = argparse.ArgumentParser(description='Run a tracker on the webcam stream.')
    parser.add_argument('tracker_name', type=str, help='Name of the tracking method.')
    parser.add_argument('tracker_param', type=str, help='Name of the parameter file.')
    parser.add_argument('--camera', type=int, default=0, help='Camera index (cv2.VideoCapture).')
    parser.add_argument('--net', type=str, default=None, help='Network file replacing the parameter file\'s.')
    parser.add_argument('--output', type=str, default=None, help='Also write the annotated stream to this .mp4.')
    add_debug_arguments(parser)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    from pytracking.utils.videotracking import SourceError
    from ltr.admin.cli import run_command
    return run_command(parser.prog, lambda: run_webcam(args.tracker_name, args.tracker_param, args.debug,
                                                       visdom_info_from_args(args), args.camera, args.net,
                                                       args.output, args.save_debug), SourceError)


if __name__ == '__main__':
    sys.exit(main())
