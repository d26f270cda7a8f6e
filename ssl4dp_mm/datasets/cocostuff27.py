"""COCO-Stuff-27: the 27 coarse classes of unsupervised segmentation (PiCIE, STEGO).

COCO-Stuff's ``stuffthingmaps`` label every pixel with one of 182 ids (0..90 things, 91..181
stuff, 11 thing ids unused; 255 unlabelled). PiCIE and STEGO merge them into the 12 thing and 15
stuff super-categories; :data:`FINE_TO_COARSE` is STEGO's ``fine_to_coarse`` table
(``src/data.py``, class ``Coco``). MMSeg's ``coco_stuff164k.py`` converter writes the 171 used ids
as ``*_labelTrainIds.png`` (0..170 in id order); :func:`coarse_label` reads either.
Layout (STEGO's ``cocostuff`` folder)::

    <root>/images/{train2017,val2017}/<id>.jpg
    <root>/annotations/{train2017,val2017}/<id>.png      (or <id>_labelTrainIds.png)
    <root>/curated/{train2017,val2017}/Coco164kFull_Stuff_Coarse_7.txt   (the curated lists)

STEGO's ``cocostuff27`` evaluates on the val list ``Coco164kFull_Stuff_Coarse_7.txt`` (2,175
images) and trains on the train list ``Coco164kFull_Stuff_Coarse.txt`` when present.
"""
import numpy as np
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

# STEGO's fine_to_coarse, stuffthingmaps id (0..181) -> coarse class (0..26)
FINE_TO_COARSE = (
    9, 11, 11, 11, 11, 11, 11, 11, 11, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,  # 0..24
    6, 6, 6, 6, 6, 6, 6, 6, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 5, 5, 5, 5, 5, 5,  # 25..48
    5, 5, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0,  # 49..72
    0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4, 17, 17, 22, 20, 20, 22,  # 73..96
    15, 25, 16, 13, 12, 12, 17, 17, 23, 15, 15, 17, 15, 21, 15, 25, 13, 13, 13, 13,  # 97..116
    13, 22, 26, 14, 14, 15, 22, 21, 21, 24, 20, 22, 15, 17, 16, 15, 22, 24, 21, 17,  # 117..136
    25, 16, 21, 17, 22, 16, 21, 21, 25, 21, 26, 21, 24, 20, 17, 14, 21, 26, 15, 23,  # 137..156
    20, 21, 24, 15, 24, 22, 25, 15, 20, 17, 17, 22, 14, 18, 18, 18, 18, 18, 18, 18,  # 157..176
    26, 26, 19, 19, 24)  # 177..181
COARSE_CLASSES = (
    'electronic', 'appliance', 'food-things', 'furniture-things', 'indoor', 'kitchen',
    'accessory', 'animal', 'outdoor', 'person', 'sports', 'vehicle', 'ceiling', 'floor',
    'food-stuff', 'furniture-stuff', 'rawmaterial', 'textile', 'wall', 'window', 'building',
    'ground', 'plant', 'sky', 'solid', 'structural', 'water')
# the 11 thing ids COCO never uses (its 1-based ids 12, 26, 29, 30, 45, 66, 68, 69, 71, 83, 91)
UNUSED_IDS = (11, 25, 28, 29, 44, 65, 67, 68, 70, 82, 90)
# MMSeg's 171-class train id -> stuffthingmaps id (the used ids in order)
TRAIN_ID_TO_FINE = tuple(i for i in range(182) if i not in UNUSED_IDS)
VAL_LIST = 'Coco164kFull_Stuff_Coarse_7.txt'
TRAIN_LIST = 'Coco164kFull_Stuff_Coarse.txt'


def coarse_label(label: np.ndarray, train_ids: bool = False, ignore_index: int = 255
                 ) -> np.ndarray:
    """Fine COCO-Stuff labels -> the 27 coarse classes (``ignore_index`` stays).

    Args:
        label (np.ndarray): HxW map of stuffthingmaps ids (0..181), or of MMSeg's 171 train
            ids (0..170) with ``train_ids``.
        train_ids (bool): The map holds MMSeg's train ids. Defaults to False.
        ignore_index (int): Unlabelled value. Defaults to 255.

    Returns:
        np.ndarray: HxW uint8 map of 0..26 and ``ignore_index``.

    Raises:
        ValueError: If the map holds an id outside the table.
    """
    table = np.full(256, ignore_index, np.uint8)
    fine = np.asarray(TRAIN_ID_TO_FINE if train_ids else range(182))
    table[:len(fine)] = np.asarray(FINE_TO_COARSE)[fine]
    label = np.asarray(label)
    bad = (label < 0) | (label > 255) | ((label >= len(fine)) & (label != ignore_index))
    if bad.any():
        raise ValueError(f'COCO-Stuff label {int(label[bad][0])} is outside the '
                         f'{len(fine)} {"train ids" if train_ids else "ids"}')
    return table[label.astype(np.int64)]


@DATASETS.register_module()
class CocoStuff27Dataset(BaseSegDataset):
    """COCO-Stuff with the 27 coarse classes, in MMSeg's layout (``img_dir``, ``ann_dir``,
    ``.jpg`` images, ``.png`` maps of 0..26 / 255 as :func:`coarse_label` writes them)."""
    METAINFO = dict(classes=COARSE_CLASSES)

    def __init__(self, img_suffix='.jpg', seg_map_suffix='.png', **kwargs) -> None:
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)
