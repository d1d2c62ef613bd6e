"""Track a target in a video file or an image folder.

    python run_video.py fcot default VIDEO_OR_FOLDER [--optional_box x y w h] [--save_results]
                        [--output annotated.mp4] [--headless] [--net PATH] [--debug N ...]

With a display: an OpenCV window 'Display: <tracker>' opens; draw the box with two left clicks (top-left, then
bottom-right; or ENTER and drag), ``r`` resets, ``q`` quits, SPACE pauses (the video starts paused until a box
exists). ``--optional_box`` starts tracking from that box at once.

Without a display (no ``DISPLAY``) or with ``--headless``: ``--optional_box`` is required; the annotated video
goes to ``--output`` (default ``<stem>_<tracker>_<param>.mp4`` in the current folder) and the boxes to the same
path with ``.txt`` (tab-separated integer x y w h per frame).

``--save_results`` also writes the boxes as pytracking does: ``<results_path>/<tracker>/<param>/video_<stem>_1.txt``.
``--debug N`` with ``--use_visdom true --visdom_server HOST --visdom_port P`` shows the debug panels in visdom,
``--save_debug DIR`` writes them as PNG files. Exit status: 0 done, 2 usage error or unreadable input.
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from pytracking.utils.argtypes import add_debug_arguments, visdom_info_from_args  # noqa: E402

__all__ = ['run_video', 'main']


def _sink(debug, use_visdom, server, port, save_debug, ui_handler):
    from pytracking.utils.visdom import create_debug_sink
    sink, _ = create_debug_sink(debug, {'use_visdom': use_visdom, 'server': server, 'port': port,
                                        'save_debug': save_debug},
                                {'handler': ui_handler, 'win_id': 'Tracking'})
    return sink


def run_video(tracker_name, tracker_param, videofile, optional_box=None, debug=0, save_results=False,
              output=None, headless=None, net=None, visdom_info=None, save_debug=None, max_frames=None):
    """Track ``videofile`` (a video file or an image folder); returns the list of boxes (headless) or
    (frame index, box) pairs (interactive). ``headless=None``: headless when there is no display."""
    from pytracking.utils.videotracking import (FrameSource, SourceError, gui_available, make_ui_handler,
                                                prepare_tracker, track_headless, track_interactive)
    visdom_info = dict(visdom_info or {})
    if headless is None or not headless:
        ok, reason = gui_available()
        if not ok:
            if headless is False:
                raise SourceError('cannot open a window: {}; use --headless with --optional_box'.format(reason))
            headless = True
            print('[run_video] {}: running headless'.format(reason))
    if headless and optional_box is None:
        raise SourceError('without a display (or with --headless) the initial box must be given: '
                          '--optional_box x y w h')
    if optional_box is not None and len(optional_box) != 4:
        raise SourceError('--optional_box needs 4 numbers x y w h, got {}'.format(list(optional_box)))
    source = FrameSource(videofile)
    pause_state = {'pause': False, 'step': False}
    sink = _sink(debug, visdom_info.get('use_visdom', True), visdom_info.get('server', '127.0.0.1'),
                 visdom_info.get('port', 8097), save_debug, make_ui_handler(pause_state))
    tracker, wrapper = prepare_tracker(tracker_name, tracker_param, net, debug, sink)
    stem = source.name
    box_files = []
    if save_results:
        box_files.append(os.path.join(wrapper.results_dir, 'video_{}_1.txt'.format(stem)))
    try:
        if headless:
            output = output or '{}_{}_{}.mp4'.format(stem, wrapper.name, wrapper.parameter_name)
            box_files.insert(0, os.path.splitext(output)[0] + '.txt')
            boxes = track_headless(tracker, source, optional_box, output, box_files[0], sink=sink,
                                   max_frames=max_frames, pause_state=pause_state if sink is not None else None)
            result = boxes
        else:
            result = track_interactive(tracker, source, wrapper.name, optional_box, output,
                                       box_files[0] if box_files else None, sink=sink, pause_state=pause_state)
            boxes = [b for _, b in result]
        for extra in box_files[1:]:
            from pytracking.utils.videotracking import _write_boxes
            _write_boxes(extra, boxes)
            print('[run_video] wrote {}'.format(extra))
    finally:
        source.release()
    return result


def build_parser():
    parser = argparse.ArgumentParser(description='Run a tracker on a video file or an image folder.')
    parser.add_argument('tracker_name', type=str, help='Name of the tracking method.')
    parser.add_argument('tracker_param', type=str, help='Name of the parameter file.')
    parser.add_argument('videofile', type=str, help='Video file or folder of images (sorted by name).')
    parser.add_argument('--optional_box', type=float, default=None, nargs='+', metavar='V',
                        help='Initial box x y w h (first frame, pixels). Required without a display.')
    parser.add_argument('--save_results', action='store_true',
                        help='Also save the boxes to <results_path>/<tracker>/<param>/video_<stem>_1.txt.')
    parser.add_argument('--output', type=str, default=None, help='Annotated output video (.mp4, codec mp4v).')
    parser.add_argument('--headless', action='store_true', help='No window (also the default without DISPLAY).')
    parser.add_argument('--net', type=str, default=None, help='Network file replacing the parameter file\'s.')
    parser.add_argument('--max_frames', type=int, default=None, help='Stop after this many frames.')
    add_debug_arguments(parser)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    from pytracking.utils.videotracking import SourceError
    from ltr.admin.cli import run_command
    return run_command(parser.prog, lambda: run_video(
        args.tracker_name, args.tracker_param, args.videofile, args.optional_box, args.debug, args.save_results,
        args.output, True if args.headless else None, args.net, visdom_info_from_args(args), args.save_debug,
        args.max_frames), SourceError)


if __name__ == '__main__':
    sys.exit(main())
