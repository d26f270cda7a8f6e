"""Labelled images read from a segmentation config, on tiny VOC 2012 aug, Cityscapes and ADE20K
copies in their real layouts: the pairs are the files on disk (found here from the split lists or
by globbing the layout), and the label values are the files' own (VOC palette indices with 255
void, Cityscapes train ids, ADE20K shifted by reduce_zero_label)."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
from PIL import Image

from ssl4dp_mm.datasets.reference_layouts_ade_coco import make_ade20k
from ssl4dp_mm.features.config_images import images_from_config
from tests.conftest import config_path

VOC_CFG = config_path('_base_', 'datasets', 'voc12aug_seg.py')
CITYSCAPES_CFG = config_path('_base_', 'datasets', 'cityscapes_seg.py')
ADE20K_CFG = config_path('_base_', 'datasets', 'ade20k_seg.py')


def _stems(voc, part):
    with open(osp.join(voc, 'ImageSets', 'Segmentation', f'{part}.txt')) as f:
        return f.read().split()


def test_voc_aug_pairs_and_palette_labels(reference_layouts):
    voc = reference_layouts['voc']
    images = images_from_config(VOC_CFG, 'train', data_root=voc)
    train, aug = _stems(voc, 'train'), _stems(voc, 'aug')
    # the ConcatDataset: VOC train with SegmentationClass, then SBD aug with SegmentationClassAug
    assert images.img_paths == [osp.join(voc, 'JPEGImages', s + '.jpg') for s in train + aug]
    assert images.ann_paths == (
        [osp.join(voc, 'SegmentationClass', s + '.png') for s in train] +
        [osp.join(voc, 'SegmentationClassAug', s + '.png') for s in aug])
    assert sorted(glob.glob(osp.join(voc, 'SegmentationClassAug', '*.png'))) == sorted(
        images.ann_paths[len(train):])
    assert len(images.class_names) == 21 and images.class_names[0] == 'background'
    assert images.split == 'train' and len(images.palette) == 21
    for i, path in enumerate(images.ann_paths):
        raw = np.array(Image.open(path))  # palette indices, not the colours
        assert raw.ndim == 2
        label = images.read_label(i)
        np.testing.assert_array_equal(label, raw)
        assert set(np.unique(label)) <= set(range(21)) | {255}
        assert images.read_image(i).shape == raw.shape + (3, )
    assert (images.read_label(0) == 255).any()  # VOC's void outline (SegmentationClass)
    val = images_from_config(VOC_CFG, 'val', data_root=voc)
    assert val.img_paths == [osp.join(voc, 'JPEGImages', s + '.jpg')
                             for s in _stems(voc, 'val')]


def test_cityscapes_pairs_and_train_ids(reference_layouts):
    city = reference_layouts['cityscapes']
    for split in ('train', 'val'):
        images = images_from_config(CITYSCAPES_CFG, split, data_root=city)
        found = sorted(glob.glob(osp.join(city, 'leftImg8bit', split, '*',
                                          '*_leftImg8bit.png')))
        assert images.img_paths == found
        assert images.ann_paths == [
            p.replace('leftImg8bit', 'gtFine', 1).replace('_leftImg8bit.png',
                                                          '_gtFine_labelTrainIds.png')
            for p in found]
        assert len(images.class_names) == 19 and images.class_names[0] == 'road'
        for i, path in enumerate(images.ann_paths):
            raw = cv2.imread(path, cv2.IMREAD_UNCHANGED)
            label = images.read_label(i)
            np.testing.assert_array_equal(label, raw)
            assert set(np.unique(label)) <= set(range(19)) | {255}
            assert (label[:2] == 255).all()  # the unlabelled rows the copy writes


def test_ade20k_reduce_zero_label(tmp_path):
    ade = make_ade20k(str(tmp_path), {'training': 2, 'validation': 2})
    images = images_from_config(ADE20K_CFG, 'val', data_root=ade)
    assert images.img_paths == sorted(glob.glob(osp.join(ade, 'images', 'validation', '*.jpg')))
    assert images.reduce_zero_label and len(images.class_names) == 150
    for i, path in enumerate(images.ann_paths):
        raw = cv2.imread(path, cv2.IMREAD_UNCHANGED).astype(np.int64)
        assert osp.dirname(path) == osp.join(ade, 'annotations', 'validation')
        expected = np.where(raw == 0, 255, raw - 1)  # 0 "other" is ignored, k -> k - 1
        np.testing.assert_array_equal(images.read_label(i), expected)
        assert (expected == 255).any()


def test_options_and_errors(reference_layouts, tmp_path):
    city = reference_layouts['cityscapes']
    names = [f'c{k}' for k in range(19)]
    images = images_from_config(CITYSCAPES_CFG, 'val', data_root=city, class_names=names,
                                resize=(32, 48), max_images=2)
    assert len(images) == 2 and images.class_names == tuple(names) and images.palette is None
    assert images.read_label(1).shape == (32, 48) and images.read_image(1).shape == (32, 48, 3)
    with pytest.raises(KeyError, match=r"no nope_dataloader.dataset \(its splits: "
                       r"\['test', 'train', 'val'\]\)"):
        images_from_config(CITYSCAPES_CFG, 'nope', data_root=city)
    with pytest.raises(ValueError, match='ignores label 255, not 0'):
        images_from_config(CITYSCAPES_CFG, 'val', data_root=city, ignore_index=0)
    with pytest.raises(FileNotFoundError, match='val.txt'):
        images_from_config(VOC_CFG, 'val', data_root=str(tmp_path))
