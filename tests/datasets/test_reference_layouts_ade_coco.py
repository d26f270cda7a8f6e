"""Generated ADE20K / COCO-Stuff copies in their real layouts, and the MMSeg-layout views the
dense evaluation reads (ADE20K with MMSeg's reduce_zero_label, COCO-Stuff merged to 27 classes,
VOC palette labels as indices, Cityscapes linked as they are)."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from PIL import Image

from ssl4dp_mm.analysis.labelled_images import find_labelled_images
from ssl4dp_mm.datasets.cocostuff27 import FINE_TO_COARSE, VAL_LIST
from ssl4dp_mm.datasets.mmseg_layout_views import mmseg_view, reduce_zero_label
from ssl4dp_mm.datasets.reference_layouts import make_cityscapes, make_voc_aug
from ssl4dp_mm.datasets.reference_layouts_ade_coco import make_ade20k, make_cocostuff


def test_reduce_zero_label_matches_mmseg(tmp_path):
    from mmseg.datasets.transforms import LoadAnnotations
    label = np.array([[0, 1, 150], [255, 2, 0]], np.uint8)
    np.testing.assert_array_equal(reduce_zero_label(label), [[255, 0, 149], [255, 1, 255]])
    path = str(tmp_path / 'a.png')
    cv2.imwrite(path, label)
    out = LoadAnnotations(reduce_zero_label=True)(dict(seg_map_path=path, reduce_zero_label=True,
                                                       seg_fields=[]))
    np.testing.assert_array_equal(reduce_zero_label(label), out['gt_seg_map'])


def test_ade20k_layout_and_view(tmp_path):
    ade = make_ade20k(str(tmp_path), {'training': 3, 'validation': 2})
    assert sorted(os.listdir(osp.join(ade, 'images', 'validation'))) == [
        'ADE_val_00000001.jpg', 'ADE_val_00000002.jpg']
    view = mmseg_view('ade20k', ade, 'validation', str(tmp_path / 'view'), 'val')
    images = find_labelled_images(view, 'val', 'ADE20KDataset')
    assert len(images) == 2 and len(images.class_names) == 150
    for i, name in enumerate(['ADE_val_00000001', 'ADE_val_00000002']):
        raw = cv2.imread(osp.join(ade, 'annotations', 'validation', name + '.png'), -1)
        assert (raw == 0).any() and raw.max() <= 150
        np.testing.assert_array_equal(images.read_label(i), raw.astype(np.int64) - 1 +
                                      (raw == 0) * 256)
        assert osp.realpath(images.img_paths[i]) == osp.join(ade, 'images', 'validation',
                                                             name + '.jpg')


def test_cocostuff_layout_and_view(tmp_path):
    coco = make_cocostuff(str(tmp_path), {'train2017': 3, 'val2017': 2})
    with open(osp.join(coco, 'curated', 'val2017', VAL_LIST)) as f:
        stems = f.read().split()
    view = mmseg_view('cocostuff27', coco, 'val2017', str(tmp_path / 'view'), 'val')
    images = find_labelled_images(view, 'val', 'CocoStuff27Dataset')
    assert len(images) == 2 and len(images.class_names) == 27
    for i, stem in enumerate(stems):
        raw = cv2.imread(osp.join(coco, 'annotations', 'val2017', stem + '.png'), -1)
        expected = np.full(raw.shape, 255)
        for fine, coarse in enumerate(FINE_TO_COARSE):  # STEGO's loop over the table
            expected[raw == fine] = coarse
        np.testing.assert_array_equal(images.read_label(i), expected)
        assert (expected == 255).any()


def test_voc_and_cityscapes_views(tmp_path):
    voc = make_voc_aug(str(tmp_path), {'train': 2, 'aug': 2, 'val': 2})
    view = mmseg_view('voc', voc, 'train_aug', str(tmp_path / 'voc_view'), 'train')
    images = find_labelled_images(view, 'train', 'CheckedPascalVOCDataset')
    assert len(images) == 4
    for i in range(4):
        stem = osp.basename(images.img_paths[i])[:-4]
        src = osp.join(voc, 'SegmentationClassAug', stem + '.png')
        src = src if osp.isfile(src) else osp.join(voc, 'SegmentationClass', stem + '.png')
        np.testing.assert_array_equal(images.read_label(i), np.array(Image.open(src)))
    city = make_cityscapes(str(tmp_path), {'train': 2, 'val': 3})
    view = mmseg_view('cityscapes', city, 'val', str(tmp_path / 'city_view'), 'val',
                      label_suffix='_gtFine_labelTrainIds.png')
    images = find_labelled_images(view, 'val', 'CheckedCityscapesDataset')
    assert len(images) == 3 and len(images.class_names) == 19
    with pytest.raises(FileNotFoundError, match='leftImg8bit'):
        mmseg_view('cityscapes', str(tmp_path), 'val', str(tmp_path / 'bad'), 'val')
