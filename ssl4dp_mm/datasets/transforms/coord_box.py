"""Where a view lies in the original image: the ``coord_box`` convention shared by all transforms.

``results['coord_box']`` is a float array ``[x_l, y_t, x_r, y_b]``: the original-image coordinates
(pixels, edges not centres) of the view's left, top, right and bottom edges. A horizontally flipped
view has ``x_l > x_r`` and a vertically flipped one ``y_t > y_b``, so a point ``(u, v)`` of a view
of size ``W x H`` maps back linearly, whatever crops, resizes and flips made the view::

    x = x_l + u / W * (x_r - x_l)        y = y_t + v / H * (y_b - y_t)

Keys listed in ``results['seg_fields']`` (label maps, superpixel masks) are moved with every
geometric transform, so their pixels stay in line with the image of each view.
"""
import numpy as np


def get_coord_box(results: dict) -> np.ndarray:
    """The current ``coord_box``, initialised to the whole image if no transform set it yet."""
    if 'coord_box' not in results:
        h, w = results['img'].shape[:2]
        results['coord_box'] = np.array([0, 0, w, h], dtype=np.float32)
    return results['coord_box']


def crop_coord_box(box: np.ndarray, crop: tuple, size: tuple) -> np.ndarray:
    """The box of a crop ``(x1, y1, x2, y2)`` (view pixels) of a view whose box is ``box``.

    Args:
        box (np.ndarray): ``[x_l, y_t, x_r, y_b]`` of the view being cropped.
        crop (tuple): Crop corners in that view's pixels.
        size (tuple): That view's ``(height, width)``.

    Returns:
        np.ndarray: The crop's ``[x_l, y_t, x_r, y_b]`` in original-image coordinates.
    """
    h, w = size
    x1, y1, x2, y2 = crop
    sx, sy = (box[2] - box[0]) / w, (box[3] - box[1]) / h
    return np.array([box[0] + x1 * sx, box[1] + y1 * sy, box[0] + x2 * sx, box[1] + y2 * sy],
                    dtype=np.float32)


def flip_coord_box(box: np.ndarray, direction: str) -> np.ndarray:
    """The box after a flip in ``direction`` ('horizontal' or 'vertical')."""
    box = box.copy()
    if direction == 'horizontal':
        box[[0, 2]] = box[[2, 0]]
    elif direction == 'vertical':
        box[[1, 3]] = box[[3, 1]]
    else:
        raise ValueError(f'unknown flip direction {direction!r}')
    return box
