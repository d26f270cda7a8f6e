"""The analysis tools (feature extraction, t-SNE, linear SVM) on tiny VOC 2012 aug and Cityscapes
copies in their real layouts, read through the datasets' segmentation configs (--data-config),
with the random-init ResNet-18 + decoder of a toy pre-training config."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
from PIL import Image

from ssl4dp_mm.analysis.features import load_features
from ssl4dp_mm.analysis.separability import read_csv
from tests.analysis.conftest import PRETRAIN_CFG
from tests.conftest import config_path, load_tool

DATA_CONFIGS = {
    'voc': config_path('_base_', 'datasets', 'voc12aug_seg.py'),
    'cityscapes': config_path('_base_', 'datasets', 'cityscapes_seg.py'),
}
SMALL = ['--num-per-class', '10', '--threads', '1']


def _data_args(name, root):
    return ['--data-config', DATA_CONFIGS[name], '--data-root', root]


def _label_map(name, root, img):
    """The label map of an image, from the layout: VOC's SBD label where the image has one, else
    VOC's own (palette indices); Cityscapes' train ids beside the image in gtFine."""
    if name == 'voc':
        stem = osp.basename(img)[:-len('.jpg')]
        aug = osp.join(root, 'SegmentationClassAug', stem + '.png')
        path = aug if osp.isfile(aug) else osp.join(root, 'SegmentationClass', stem + '.png')
        return np.array(Image.open(path))
    path = img.replace('leftImg8bit', 'gtFine', 1).replace('_leftImg8bit.png',
                                                           '_gtFine_labelTrainIds.png')
    return cv2.imread(path, cv2.IMREAD_UNCHANGED)


def test_extracted_pixels_are_those_of_the_files_on_disk(reference_layouts, tmp_path):
    """Every sampled pixel's label is the value at that pixel of the label map that belongs to
    the image it was read from (paired here from the layout itself), never the ignore label."""
    extract = load_tool('analysis/extract_features').main
    voc, city = reference_layouts['voc'], reference_layouts['cityscapes']
    for name, split in (('voc', 'train'), ('cityscapes', 'val')):
        written = extract([config_path(PRETRAIN_CFG), 'none', '--layers', 'stage4', '--split',
                           split, '--out-dir', str(tmp_path / name),
                           *_data_args(name, reference_layouts[name]), *SMALL])
        data = load_features(written[0])
        paths = [str(p) for p in data['image_paths']]
        if name == 'voc':  # train + aug, every image of the two lists
            with open(osp.join(voc, 'ImageSets', 'Segmentation', 'train_aug.txt')) as f:
                expected = [osp.join(voc, 'JPEGImages', s + '.jpg') for s in f.read().split()]
        else:
            expected = sorted(glob.glob(osp.join(city, 'leftImg8bit', 'val', '*', '*.png')))
        assert paths == expected
        num_classes = 21 if name == 'voc' else 19
        assert len(data['class_names']) == num_classes
        assert data['features'].shape == (len(data['labels']), 512)
        for i, path in enumerate(paths):
            rows = data['image_index'] == i
            y, x = data['yx'][rows].T
            np.testing.assert_array_equal(data['labels'][rows],
                                          _label_map(name, reference_layouts[name], path)[y, x])
        assert 255 not in data['labels'] and data['labels'].max() < num_classes
        assert np.bincount(data['labels']).max() <= 10


@pytest.mark.parametrize('name', ['voc', 'cityscapes'])
def test_tsne_and_svm(reference_layouts, tmp_path, name):
    cfg = config_path(PRETRAIN_CFG)
    out = load_tool('analysis/tsne').main([
        '--model', 'random init', cfg, 'none', '--layers', 'stage4', 'decoder',
        '--split', 'val', '--out', str(tmp_path / 'tsne.png'), '--max-iter', '250',
        *_data_args(name, reference_layouts[name]), *SMALL])
    img = Image.open(out)
    assert img.size == (int(3.2 * 90), int((2 * 3.2 + 0.45) * 90))
    assert len(np.unique(np.asarray(img.convert('RGB')).reshape(-1, 3), axis=0)) > 20
    table = load_tool('analysis/svm_separability').main([
        '--model', 'random init', cfg, 'none', '--layers', 'stage1', 'decoder',
        '--train-split', 'train', '--test-split', 'val', '--out-dir', str(tmp_path),
        *_data_args(name, reference_layouts[name]), *SMALL])
    assert list(table) == ['random init']
    assert all(0.0 <= acc <= 1.0 for acc in table['random init'].values())
    assert read_csv(str(tmp_path / 'separability.csv')) == {
        'random init': {k: round(v, 6) for k, v in table['random init'].items()}}
    md = (tmp_path / 'separability.md').read_text()
    assert f'{DATA_CONFIGS[name]} (train_dataloader, data_root {reference_layouts[name]})' in md
