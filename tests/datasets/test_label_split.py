"""Seeded label-fraction splits: reproducible, inside the training set, disjoint from validation."""
import os
import os.path as osp

import numpy as np
import pytest

from ssl4dp_mm.datasets.label_split import make_label_split, sample_fraction, split_tag
from tests.conftest import load_config, load_tool

FULL_CFG = 'seg/pspnet/pspnet_r18-d8_ft100-300i_toyscenes.py'
FT10_CFG = 'seg/pspnet/pspnet_r18-d8_ft10-300i_toyscenes.py'


def _read(path):
    with open(path) as f:
        return [line.strip() for line in f]


def _names(dataset):
    return sorted(osp.basename(dataset.get_data_info(i)['img_path'])[:-4]
                  for i in range(len(dataset)))


def _train_val(toy_root):
    cfg = load_config(FULL_CFG, toy_root)
    return cfg.train_dataloader.dataset, cfg.val_dataloader.dataset


def test_split_is_reproducible_a_train_subset_and_disjoint_from_val(toy_root, tmp_path):
    train, val = _train_val(toy_root)
    first = make_label_split(train, 0.25, 3, val, str(tmp_path / 'a'))
    again = make_label_split(train, 0.25, 3, val, str(tmp_path / 'b'))
    other = make_label_split(train, 0.25, 4, val, str(tmp_path / 'c'))
    names = _read(first[0]['path'])
    assert osp.basename(first[0]['path']) == 'train_25pct_seed3.txt'
    assert names == _read(again[0]['path'])  # same seed, same file
    assert names != _read(other[0]['path'])  # another seed, another sample
    # independent reference: the sorted image files, NumPy's legacy stream, round(0.25 * 16) = 4
    files = sorted(f[:-len('.png')] for f in os.listdir(osp.join(toy_root, 'img_dir', 'train')))
    expected = sorted(files[i] for i in np.random.RandomState(3).permutation(len(files))[:4])
    assert names == expected
    # disjoint from val: no training image file is an evaluation image file
    train_files = {osp.realpath(osp.join(toy_root, 'img_dir', 'train', n + '.png')) for n in names}
    val_files = {osp.realpath(osp.join(toy_root, 'img_dir', 'val', f))
                 for f in os.listdir(osp.join(toy_root, 'img_dir', 'val'))}
    assert train_files and not train_files & val_files


def test_split_that_includes_val_images_is_refused(toy_root, tmp_path):
    train, _ = _train_val(toy_root)
    with pytest.raises(ValueError, match='shares 2 images with the validation set'):
        make_label_split(train, 0.1, 0, train, str(tmp_path))  # "val" = the training images


def test_concat_dataset_parts_get_one_file_each_and_load_in_mmseg(toy_root, tmp_path):
    """The VOC case: train.txt + aug.txt parts, sampled jointly, one list per part."""
    from mmseg.registry import DATASETS
    files = sorted(f[:-4] for f in os.listdir(osp.join(toy_root, 'img_dir', 'train')))
    lists = tmp_path / 'lists'
    lists.mkdir()
    (lists / 'train.txt').write_text('\n'.join(files[:6]) + '\n')
    (lists / 'aug.txt').write_text('\n'.join(files[6:]) + '\n')
    part = dict(type='ToyScenesDataset', data_root=toy_root, pipeline=[],
                data_prefix=dict(img_path='img_dir/train', seg_map_path='ann_dir/train'))
    concat = dict(type='ConcatDataset', datasets=[dict(part, ann_file=str(lists / 'train.txt')),
                                                  dict(part, ann_file=str(lists / 'aug.txt'))])
    results = make_label_split(concat, 0.5, 0)
    assert [osp.basename(r['path']) for r in results] == ['train_50pct_seed0.txt',
                                                          'aug_50pct_seed0.txt']
    assert all(osp.dirname(r['path']) == str(lists) for r in results)  # beside the full lists
    kept = [_read(r['path']) for r in results]
    assert set(kept[0]) <= set(files[:6]) and set(kept[1]) <= set(files[6:])
    # one joint sample of 8 of the 16 images (not 50% of each part)
    order = np.random.RandomState(0).permutation(16)[:8]
    assert sorted(kept[0] + kept[1]) == sorted(files[i] for i in order)
    loaded = DATASETS.build(dict(part, ann_file=results[1]['path']))
    assert len(loaded) == len(kept[1])
    assert _names(loaded) == kept[1]


def test_cli_writes_the_file_the_ft10_config_reads(toy_root, tmp_path):
    data_root = tmp_path / 'toy'
    os.symlink(toy_root, data_root)  # the split goes to <data_root>/splits: keep the fixture clean
    out = load_tool('make_label_split').main(
        [osp.join('configs', FULL_CFG), '--data-root', str(data_root)])
    assert out[0]['path'] == osp.join(str(data_root), 'splits', f'train_{split_tag(0.1, 0)}.txt')
    assert len(out[0]['names']) == 2  # round(0.1 * 16)
    from mmseg.registry import DATASETS
    cfg = load_config(FT10_CFG, str(data_root))
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    assert _names(dataset) == out[0]['names']


def test_sample_fraction_bounds():
    assert sample_fraction(range(10), 0.01, 0) != []  # at least one image
    assert sample_fraction(range(10), 1.0, 0) == list(range(10))
    with pytest.raises(ValueError, match='fraction'):
        sample_fraction(range(10), 0, 0)


def test_camvid_split(camvid_root, tmp_path):
    cfg = load_config('seg/pspnet/pspnet_r18-d8_ft100-10k_camvid.py', camvid_root)
    res = make_label_split(cfg.train_dataloader.dataset, 0.1, 0, cfg.val_dataloader.dataset,
                           str(tmp_path))
    assert len(res[0]['names']) == 37 and res[0]['num_total'] == 367
