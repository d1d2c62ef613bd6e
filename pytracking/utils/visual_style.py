"""One visual language for every picture the project draws (demo, run_video.py, --save_debug PNGs, visdom):
ground truth green, the tracker red, the search area blue, each named in a legend on the image."""
import cv2

__all__ = ['GT_BGR', 'TRACKER_BGR', 'SEARCH_BGR', 'GT_RGB', 'TRACKER_RGB', 'SEARCH_RGB', 'draw_box', 'draw_legend']

GT_BGR, TRACKER_BGR, SEARCH_BGR = (0, 200, 0), (0, 0, 255), (255, 128, 0)
GT_RGB, TRACKER_RGB, SEARCH_RGB = GT_BGR[::-1], TRACKER_BGR[::-1], SEARCH_BGR[::-1]


def draw_box(image, box, color, thickness=2):
    """Draw ``[x, y, w, h]`` (image pixels) on ``image`` in place (colour in the image's channel order)."""
    x, y, w, h = (int(round(float(v))) for v in box)
    cv2.rectangle(image, (x, y), (x + max(w, 1) - 1, y + max(h, 1) - 1), color, thickness)
    return image


def draw_legend(image, entries, origin=(6, 6), scale=0.45):
    """Draw ``[(label, colour), ...]`` as coloured swatches with text in the top-left corner, in place."""
    x, y = origin
    line = int(22 * scale / 0.45)
    for label, color in entries:
        (tw, th), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        cv2.rectangle(image, (x - 3, y - 2), (x + 18 + tw + 4, y + line - 4), (0, 0, 0), -1)
        cv2.rectangle(image, (x, y + 2), (x + 12, y + line - 8), color, -1)
        cv2.putText(image, label, (x + 18, y + line - 8), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1,
                    cv2.LINE_AA)
        y += line
    return image
