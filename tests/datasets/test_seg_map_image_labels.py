"""SegMapImageLabels: image-level labels from label maps, against direct per-pixel counting."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmselfsup.registry import DATASETS

from ssl4dp_mm.datasets.seg_map_image_labels import image_label_from_seg_map


def test_labels_of_a_hand_made_map():
    seg = np.array([[0, 0, 0, 0, 0],
                    [0, 2, 2, 2, 255],
                    [0, 2, 2, 3, 255],
                    [255, 255, 255, 255, 255]], np.uint8)  # 12 labelled: 0 x6, 2 x5, 3 x1
    assert image_label_from_seg_map(seg, 5, 'multi_hot').tolist() == [1, 0, 1, 1, 0]
    # class 3 covers 1/12 < 0.1 of the labelled pixels
    assert image_label_from_seg_map(seg, 5, 'multi_hot', min_fraction=0.1).tolist() == \
        [1, 0, 1, 0, 0]
    assert image_label_from_seg_map(seg, 5, 'multi_hot', ignore_classes=(0, )).tolist() == \
        [0, 0, 1, 1, 0]
    assert image_label_from_seg_map(seg, 5, 'dominant') == 0
    assert image_label_from_seg_map(seg, 5, 'dominant', ignore_classes=(0, )) == 2
    assert image_label_from_seg_map(np.full((3, 3), 255, np.uint8), 5, 'dominant') == -1
    with pytest.raises(ValueError, match='outside'):
        image_label_from_seg_map(seg, 3, 'dominant')  # class 3 with 3 classes
    with pytest.raises(ValueError, match='label_type'):
        image_label_from_seg_map(seg, 5, 'soft')


@pytest.mark.parametrize('label_type', ['dominant', 'multi_hot'])
def test_dataset_on_toy_scenes(toy_root, label_type):
    dataset = DATASETS.build(
        dict(type='SegMapImageLabels', data_root=toy_root, num_classes=6, label_type=label_type,
             ignore_classes=(0, ), pipeline=[]))
    assert len(dataset) == 16
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        seg = cv2.imread(info['img_path'].replace('img_dir', 'ann_dir'), cv2.IMREAD_UNCHANGED)
        classes, counts = np.unique(seg, return_counts=True)
        counts = {int(c): int(n) for c, n in zip(classes, counts) if c != 0}
        if label_type == 'dominant':
            assert info['gt_label'] == max(counts, key=counts.get)
        else:
            assert info['gt_label'].tolist() == [int(c in counts) for c in range(6)]


def test_missing_label_map_is_named(tmp_path):
    for sub in ('img_dir/train', 'ann_dir/train'):
        os.makedirs(tmp_path / sub)
    cv2.imwrite(osp.join(tmp_path, 'img_dir/train/a.png'), np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(FileNotFoundError, match='a.png'):
        DATASETS.build(dict(type='SegMapImageLabels', data_root=str(tmp_path), num_classes=2))
