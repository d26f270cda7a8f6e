"""ADE20K as one manifest entry plus its dataset bases: every leaf and pre-training row composes
and builds, and on a generated copy in the real layout the datasets read what ADE20K holds (labels
with MMSeg's reduce_zero_label, the training images, the dominant-class image labels), each
checked against a computation from the files themselves."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
from mmcv.transforms import Compose
from mmengine.registry import DefaultScope

from ssl4dp_mm.manifest import (DATASETS, HEADS, METHODS, PROTOCOLS, compose_pretrain_config,
                                compose_seg_config, pretrain_bases, pretrain_iters)
from ssl4dp_mm.manifest.pretrain_parts import PRETRAIN_RECIPES

ROWS = [(m.name, d) for m in METHODS.values() for d in m.decoders]


@pytest.fixture(scope='module')
def ade_root(tmp_path_factory):
    from ssl4dp_mm.datasets.reference_layouts_ade_coco import make_ade20k
    return make_ade20k(str(tmp_path_factory.mktemp('ade')))


def build_pipeline(scope, pipeline):
    if scope == 'mmseg':
        from mmseg.registry import TRANSFORMS
    else:
        from mmselfsup.registry import TRANSFORMS
    with DefaultScope.overwrite_default_scope(scope):
        return Compose([TRANSFORMS.build(t) for t in pipeline])


def build_dataset(scope, dataset_cfg, root):
    from mmengine.registry import DATASETS as REGISTRY
    with DefaultScope.overwrite_default_scope(scope):
        return REGISTRY.build(dict(dataset_cfg, data_root=root))


def test_manifest_entry():
    ade = DATASETS['ade20k']
    assert (ade.num_classes, ade.suffix, ade.pretrain_images) == (150, 'ade20k', 20210)
    # 20 epochs of 20,210 // 16 = 1,263 full batches
    assert pretrain_iters('plmoco', 'ade20k') == 20 * 1263 == 25260


@pytest.mark.parametrize('head', sorted(HEADS))
@pytest.mark.parametrize('protocol', sorted(PROTOCOLS))
def test_seg_leaf_builds(head, protocol):
    from mmseg.registry import MODELS
    cfg = compose_seg_config(head, protocol, 'ade20k')
    assert cfg.model.decode_head.num_classes == 150
    assert (cfg.model.type == 'FrozenEncoderDecoder') == (protocol == 'lp')
    assert cfg.train_dataloader.batch_size == 16 and cfg.crop_size == (512, 512)
    with DefaultScope.overwrite_default_scope('mmseg'):
        assert sum(p.numel() for p in MODELS.build(cfg.model).parameters()) > 0
    build_pipeline('mmseg', cfg.train_dataloader.dataset.pipeline)


def test_every_pretrain_row_composes_and_each_data_variant_builds():
    variants = {}
    for method, decoder in ROWS:
        cfg = compose_pretrain_config(method, decoder, 'ade20k')
        assert pretrain_bases(method, decoder, 'ade20k')[1] == 'datasets/ade20k_selfsup.py'
        assert cfg.train_dataloader.batch_size == 16
        variants.setdefault(PRETRAIN_RECIPES[method].data, cfg.train_dataloader.dataset)
    assert len(variants) == 7
    for data, dataset in variants.items():
        assert dataset.data_root == 'data/ade/ADEChallengeData2016/'
        build_pipeline('mmselfsup', dataset.pipeline)
    steps = {data: [t['type'] for t in d.pipeline] for data, d in variants.items()}
    assert steps['masks'][1] == 'FelzenszwalbMasks' and steps['masks-slic'][1] == 'SLICMasks'
    assert variants['imagelabels'].type == 'SegMapImageLabels'
    assert variants['imagelabels'].num_classes == 151
    # DenseCL's warm-up: 0.2 epoch of 1,263 iterations
    assert compose_pretrain_config('densecl', None, 'ade20k').custom_hooks[0].start_iters == 252


def test_seg_datasets_read_the_layout(ade_root):
    cfg = compose_seg_config('psp', 'ft100', 'ade20k')
    train = build_dataset('mmseg', cfg.train_dataloader.dataset, ade_root)
    val = build_dataset('mmseg', cfg.val_dataloader.dataset, ade_root)
    assert (len(train), len(val)) == (12, 6)
    sample = val[0]  # the test pipeline: resized image, the label map as the file holds it
    path = sample['data_samples'].seg_map_path
    raw = cv2.imread(path, cv2.IMREAD_UNCHANGED).astype(np.int64)
    expected = np.where(raw == 0, 255, raw - 1)  # reduce_zero_label
    got = sample['data_samples'].gt_sem_seg.data.numpy()[0]
    np.testing.assert_array_equal(got, expected)
    assert set(np.unique(got)) - {255} <= set(range(150)) and 255 in got


def test_selfsup_datasets_read_the_layout(ade_root):
    images = sorted(glob.glob(osp.join(ade_root, 'images', 'training', '*.jpg')))
    cfg = compose_pretrain_config('plmoco', 'mocofcn', 'ade20k')
    plain = build_dataset('mmselfsup', cfg.train_dataloader.dataset, ade_root)
    assert len(plain) == len(images) == 12
    cfg = compose_pretrain_config('exemplarv2', 'mocofcn', 'ade20k')
    labelled = build_dataset('mmselfsup', cfg.train_dataloader.dataset, ade_root)
    got = {osp.basename(d['img_path']): d['gt_label'] for d in labelled.load_data_list()}
    for img in images:  # the dominant raw id, 0 ("other") never counting
        seg = cv2.imread(img.replace('images', 'annotations').replace('.jpg', '.png'),
                         cv2.IMREAD_UNCHANGED)
        counts = np.bincount(seg.ravel(), minlength=151)
        counts[0] = 0
        assert got[osp.basename(img)] == int(np.argmax(counts))
