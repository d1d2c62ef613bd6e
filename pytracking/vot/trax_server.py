"""A TraX tracker process running FCOT (``pip install vot-trax``), one process per sequence as the VOT toolkit
expects.

    python -m pytracking.vot.trax_server fcot PARAM [--net PATH] [--threads N]

Accepts rectangle and polygon regions and image paths (RGB, channel ``color``). An initial polygon is converted to
a box as the parameter file's ``vot_anno_conversion_type`` says (default ``'preserve_area'``); the tracker reports
rectangles ``[x, y, w, h]`` (image pixels, 0-based). The process ends cleanly on the client's quit message.
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

__all__ = ['region_to_box', 'serve', 'main']


def region_to_box(region, conversion_type='preserve_area'):
    """``[x, y, w, h]`` of a TraX region: a rectangle as it is; a polygon converted as
    :func:`pytracking.utils.vot_region.vot_anno_to_rect` does (``'preserve_area'``, ``'bbox'``, ...)."""
    import trax
    from pytracking.utils.vot_region import vot_anno_to_rect
    if region.type == trax.Region.RECTANGLE:
        return [float(v) for v in region.bounds()]
    if region.type == trax.Region.POLYGON:
        points = [region.get(i) for i in range(region.size())]
        flat = [float(c) for p in points for c in p]
        return [float(v) for v in vot_anno_to_rect(flat, conversion_type)]
    raise ValueError('TraX region type {!r} is not supported; allowed: rectangle, polygon'.format(region.type))


def serve(tracker_name, param_name, net=None):
    """Run the TraX loop until the client quits. Returns the number of frames tracked."""
    import trax
    from ltr.data.image_loader import imread_rgb
    from pytracking import make_tracker

    tracker = make_tracker(tracker_name, param_name, net=net)      # fails here (before the handshake) when wrong
    conversion = tracker.params.get('vot_anno_conversion_type', 'preserve_area')
    frames = 0
    with trax.Server([trax.Region.RECTANGLE, trax.Region.POLYGON], [trax.Image.PATH], ['color'],
                     tracker_name='FCOT', tracker_description='FCOT ({}/{}), pytracking-compatible'.format(
                         tracker_name, param_name), tracker_family='fcot') as server:
        while True:
            request = server.wait()
            if request.type in (trax.TraxStatus.QUIT, 'quit'):
                break
            image = imread_rgb(request.image['color'].path())
            if request.type in (trax.TraxStatus.INITIALIZE, 'initialize'):
                if len(request.objects) != 1:
                    raise ValueError('FCOT tracks one object; the client sent {}'.format(len(request.objects)))
                box = region_to_box(request.objects[0][0], conversion)
                tracker = make_tracker(tracker_name, param_name, net=net)   # fresh state for every initialisation
                tracker.initialize(image, {'init_bbox': box})
                server.status([(trax.Rectangle.create(*box), {})])
            else:
                box = tracker.track(image)['target_bbox']
                frames += 1
                server.status([(trax.Rectangle.create(*[float(v) for v in box]), {})])
    return frames


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m pytracking.vot.trax_server',
                                description='FCOT as a TraX tracker process (VOT toolkit).')
    p.add_argument('tracker_name', help="tracker name ('fcot')")
    p.add_argument('param_name', help="parameter file of pytracking/parameter/<tracker>/ (e.g. 'demo', 'vot')")
    p.add_argument('--net', default=None, help="network file replacing the parameter file's")
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    args = p.parse_args(argv)
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    serve(args.tracker_name, args.param_name, args.net)
    return 0


if __name__ == '__main__':
    sys.exit(main())
