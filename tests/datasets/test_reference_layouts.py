"""The generated VOC 2012 aug and Cityscapes copies are in the layouts that MMSeg's dataset classes
and our self-supervised configs read; bad layouts fail naming the path."""
import os
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope
from PIL import Image

from ssl4dp_mm.datasets.reference_layouts import make_cityscapes, make_voc_aug
from tests.conftest import load_config, seg_file

VOC_SEG = seg_file('psp', 'r50b-d8', 'ft100', 'voc')
CITY_SEG = seg_file('psp', 'r50b-d8', 'ft100', 'cityscapes')
VOC_SSL = 'selfsup/plmoco/plmoco_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py'
CITY_SSL = 'selfsup/plmoco/plmoco_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py'


@pytest.fixture
def roots(tmp_path):
    return make_voc_aug(str(tmp_path)), make_cityscapes(str(tmp_path))


def _seg_dataset(rel, root, loader='train_dataloader'):
    from mmengine.dataset import ConcatDataset  # noqa: F401  (registered in mmengine)
    from mmseg.registry import DATASETS
    init_default_scope('mmseg')
    cfg = load_config(rel)[loader].dataset
    for part in cfg.get('datasets', [cfg]):
        part.data_root = root
    return DATASETS.build(cfg)


def _ssl_dataset(rel, root):
    from mmselfsup.registry import DATASETS
    init_default_scope('mmselfsup')
    cfg = load_config(rel, root).train_dataloader.dataset
    return DATASETS.build(cfg)


def test_layouts_and_sizes(roots, tmp_path):
    voc, city = roots
    lists = {p: open(osp.join(voc, 'ImageSets/Segmentation', f'{p}.txt')).read().split()
             for p in ('train', 'aug', 'val', 'train_aug')}
    assert [len(lists[p]) for p in ('train', 'aug', 'val')] == [12, 20, 8]
    assert lists['train_aug'] == lists['train'] + lists['aug']
    assert not set(lists['val']) & set(lists['train_aug'])
    for name in lists['train'] + lists['val']:
        with Image.open(osp.join(voc, 'SegmentationClass', name + '.png')) as png:
            assert png.mode == 'P'  # VOC's palette PNGs
            seg = np.array(png)
        assert seg.ndim == 2 and set(np.unique(seg)) <= set(range(21)) | {255}
    img = cv2.imread(osp.join(voc, 'JPEGImages', lists['aug'][0] + '.jpg'))
    assert img.shape == (64, 96, 3)
    trains = sorted(os.listdir(osp.join(city, 'leftImg8bit', 'train')))
    assert trains == ['aachen', 'bochum', 'zurich']
    # seeded and idempotent
    again = make_voc_aug(str(tmp_path / 'again'))
    a = cv2.imread(osp.join(voc, 'JPEGImages', lists['val'][3] + '.jpg'))
    b = cv2.imread(osp.join(again, 'JPEGImages', lists['val'][3] + '.jpg'))
    assert np.array_equal(a, b) and make_voc_aug(str(tmp_path)) == voc


def test_mmseg_and_selfsup_datasets_read_them(roots):
    voc, city = roots
    assert len(_seg_dataset(VOC_SEG, voc)) == 12 + 20
    assert len(_seg_dataset(VOC_SEG, voc, 'val_dataloader')) == 8
    city_train = _seg_dataset(CITY_SEG, city)
    assert len(city_train) == 24
    assert city_train[0]['data_samples'].gt_sem_seg.data.max() <= 255
    assert len(_ssl_dataset(VOC_SSL, voc)) == 32  # train_aug, labels unused
    assert len(_ssl_dataset(CITY_SSL, city)) == 24  # every leftImg8bit/train image
    sample = _ssl_dataset(CITY_SSL, city)[0]
    assert len(sample['inputs']) == 2 and sample['inputs'][0].shape[-1] == 224


def test_missing_split_file_is_named(roots):
    voc, _ = roots
    os.remove(osp.join(voc, 'ImageSets/Segmentation/aug.txt'))
    with pytest.raises(FileNotFoundError, match=r'aug\.txt'):
        _seg_dataset(VOC_SEG, voc)
    os.remove(osp.join(voc, 'ImageSets/Segmentation/train_aug.txt'))
    with pytest.raises(FileNotFoundError, match=r'ImageSets/Segmentation/train_aug\.txt'):
        _ssl_dataset(VOC_SSL, voc)


def test_listed_but_absent_image_is_named(roots):
    voc, city = roots
    name = open(osp.join(voc, 'ImageSets/Segmentation/aug.txt')).readline().strip()
    os.remove(osp.join(voc, 'JPEGImages', name + '.jpg'))
    with pytest.raises(FileNotFoundError, match=f'{name}.jpg'):
        _seg_dataset(VOC_SEG, voc)
    with pytest.raises(FileNotFoundError, match=f'{name}.jpg'):
        _ssl_dataset(VOC_SSL, voc)
    gt = osp.join(city, 'gtFine', 'train', 'aachen')
    label = sorted(os.listdir(gt))[0]
    os.remove(osp.join(gt, label))
    with pytest.raises(FileNotFoundError, match=label):
        _seg_dataset(CITY_SEG, city)
    shutil.rmtree(osp.join(city, 'leftImg8bit', 'train'))
    with pytest.raises(FileNotFoundError, match='leftImg8bit/train'):
        _ssl_dataset(CITY_SSL, city)


@pytest.mark.parametrize('which', ['voc', 'cityscapes'])
def test_label_ids_outside_the_classes_are_named(roots, which):
    voc, city = roots
    if which == 'voc':
        name = open(osp.join(voc, 'ImageSets/Segmentation/aug.txt')).readline().strip()
        path = osp.join(voc, 'SegmentationClassAug', name + '.png')
        rel, root, bad = VOC_SEG, voc, 30
    else:
        gt = osp.join(city, 'gtFine', 'train', 'aachen')
        path = osp.join(gt, sorted(os.listdir(gt))[0])
        rel, root, bad = CITY_SEG, city, 19
    seg = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    seg[10:20, 10:20] = bad
    cv2.imwrite(path, seg)
    dataset = _seg_dataset(rel, root)
    index = next(i for i in range(len(dataset)) if dataset.get_data_info(i)['seg_map_path'] == path)
    with pytest.raises(ValueError, match=rf"{osp.basename(path)}.*\[{bad}\]"):
        dataset[index]
