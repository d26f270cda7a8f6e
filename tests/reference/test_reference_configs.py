"""The reference-scale configs say what the reports say: every pre-training row of the VOC and
Cityscapes tables has a config per dataset, at the reference settings, on the plain-stem
ResNet-50 of r50b-d8.py; every ResNet-50 segmentation leaf (composed from the manifest, as
tools/evaluate.py --backbone runs it) is the ResNet-18 leaf with only the backbone and the head's
decoder settings changed, at the reference protocol."""
import copy
import functools
import os.path as osp

import pytest
from mmengine.config import Config

from ssl4dp_mm.evaluation import trained_config
from ssl4dp_mm.manifest import (HEADS, all_pretrain_rows, all_seg_leaves, pretrain_config,
                                pretrain_epochs)
from tests.conftest import config_path, seg_file

R50B = Config.fromfile(config_path('_base_', 'models', 'r50b-d8.py'))
PRETRAIN = all_pretrain_rows()
SEG = all_seg_leaves()
MOMENTUM_QUEUE = ('mocodec', 'plmoco', 'edmoco', 'pledmoco', 'plmocoplus', 'rlmoco', 'exemplarv2',
                  'mocomc', 'mocov2', 'densecl')
# (dataset, protocol) -> (lr, iters, cosine eta_min or None, num_classes): the reference protocols
PROTOCOLS = {
    ('voc', 'ft10'): (0.001, 5000, None, 21),
    ('voc', 'lp'): (0.03, 3000, None, 21),
    ('voc', 'ft100'): (0.003, 30000, 3e-4, 21),
    ('cityscapes', 'ft10'): (0.005, 15000, None, 19),
    ('cityscapes', 'lp'): (0.1, 9000, None, 19),
    ('cityscapes', 'ft100'): (0.01, 90000, 1e-4, 19),
}


def test_every_row_has_a_config_for_both_datasets():
    # per dataset: 53 rows of the first methods, the 3 new decoders of the 5 region- and
    # image-level methods, and patch rotation (PLR) with each of the 6 decoders
    assert len(PRETRAIN) == 2 * (53 + 5 * 3 + 6)
    missing = [pretrain_config(*row) for row in PRETRAIN
               if not osp.isfile(config_path(pretrain_config(*row)))]
    assert not missing
    assert len(SEG) == 72


def _transforms(cfg, kind):
    found = []

    def walk(obj):
        if isinstance(obj, dict):
            if obj.get('type') == kind:
                found.append(obj)
            for v in obj.values():
                walk(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                walk(v)

    walk(cfg.train_dataloader)
    return found


@pytest.mark.parametrize('method,decoder,dataset', PRETRAIN,
                         ids=['-'.join(str(x) for x in r) for r in PRETRAIN])
def test_pretrain_reference_settings(method, decoder, dataset):
    cfg = Config.fromfile(config_path(pretrain_config(method, decoder, dataset)))
    ow = cfg.optim_wrapper
    assert ow.constructor == 'ContinuedPretrainOptimWrapperConstructor'
    assert (ow.optimizer.type, ow.optimizer.lr, ow.optimizer.momentum,
            ow.optimizer.weight_decay) == ('SGD', 0.02, 0.9, 1e-4)
    assert ow.paramwise_cfg.init_checkpoint == 'checkpoints/moco_v2_800ep_pretrain.pth.tar'
    n = pretrain_epochs(method, dataset)
    assert cfg.train_cfg == dict(type='EpochBasedTrainLoop', max_epochs=n)
    (sched, ) = cfg.param_scheduler
    assert sched.type == 'ContinuedPretrainCosineLR'
    assert (sched.T_max, sched.end, sched.eta_min_ratio, sched.start_factor, sched.by_epoch,
            sched.convert_to_iter_based) == (n, n, 0.1, 0.1, True, True)  # 0.02 -> 0.002, ramp
    assert cfg.train_dataloader.batch_size == 16
    crops = _transforms(cfg, 'RandomResizedCropWithCoord')
    multi = _transforms(cfg, 'ConstrainedMultiCrop')
    assert {c['size'] for c in crops} == {224} or {(m['large_size'], m['small_size'])
                                                   for m in multi} == {(224, 96)}
    backbone = cfg.model.backbone.to_dict()
    want = R50B.backbone.to_dict()
    if method in ('mocov2', 'densecl'):
        want['out_indices'] = (3, )  # MMSelfSup's necks take the last map
    assert backbone == want and backbone['type'] == 'mmseg.ResNet' and backbone['depth'] == 50
    if decoder is None:
        assert cfg.model.get('decoder') is None
    else:
        assert cfg.model.decoder.to_dict() == R50B[f'{decoder}_decoder'].to_dict()
    if method in ('edmoco', 'pledmoco'):  # the encoder at 1/100 of the lr, the rest at the base lr
        assert ow.paramwise_cfg.custom_keys == {'backbone': dict(lr_mult=0.01)}
    else:
        assert 'custom_keys' not in ow.paramwise_cfg
    if method in MOMENTUM_QUEUE:
        assert (cfg.model.momentum, cfg.model.queue_len) == (0.999, 65536)
    if method == 'plmocoplus':
        assert cfg.model.img_queue_len == 65536
    if method == 'prcl':
        assert cfg.model.momentum == 0.999
    if method == 'detconb':
        assert cfg.model.base_momentum == 0.996
    for masks in _transforms(cfg, 'FelzenszwalbMasks') + _transforms(cfg, 'SLICMasks'):
        assert masks['cache_dir']  # computed once, cached
    for sampling in _transforms(cfg, 'SampleMaskIds'):  # at the map's stride (DeepLabv3+: 4)
        assert sampling['feat_stride'] == (4 if decoder == 'dlv3p' else 8)
    if method == 'plr':  # one view, its patches rotated; the classifier reads the decoder
        (rot, ) = _transforms(cfg, 'PatchRotation')
        assert (rot['patch_size'], rot['label_key']) == (16, cfg.model.label_key)
        assert cfg.model.head.in_channels == R50B.decoder_channels[decoder]
        assert not _transforms(cfg, 'MultiViewWithCoord')
    if method in ('detcons', 'detconb'):
        (fz, ) = _transforms(cfg, 'FelzenszwalbMasks')
        assert (fz['scale'], fz['min_size']) == ((1000, 1000) if dataset == 'voc' else
                                                 (2800, 2800))


EVALUATE = trained_config  # what tools/evaluate.py composes


@functools.lru_cache(maxsize=None)
def _r18_leaf(head, protocol, dataset):
    return Config.fromfile(EVALUATE.leaf_config(head, protocol, dataset))


@pytest.mark.parametrize('head,backbone,protocol,dataset', SEG, ids=['-'.join(r) for r in SEG])
def test_seg_leaf_is_the_r18_leaf_with_the_backbone_swapped(head, backbone, protocol, dataset):
    cfg = Config.fromfile(seg_file(head, backbone, protocol, dataset))
    r18 = copy.deepcopy(_r18_leaf(head, protocol, dataset))
    # the model differs in the backbone and the decoder's backbone-dependent settings only:
    # r18 with them taken from the backbone variant file is the r50b leaf's model
    variant = Config.fromfile(config_path('_base_', 'models', f'{backbone}.py'))
    r18.model.backbone = variant.backbone
    r18.model.decode_head.update(variant[HEADS[head].decoder_var])
    assert cfg.model.to_dict() == r18.model.to_dict()
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg', 'train_dataloader',
                'val_dataloader', 'test_dataloader'):
        assert cfg[key] == r18[key], key
    lr, iters, eta_min, num_classes = PROTOCOLS[(dataset, protocol)]
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == ('SGD', lr, 0.9, 1e-4)
    assert cfg.train_cfg.max_iters == iters and cfg.train_dataloader.batch_size == 16
    assert (eta_min is None) == (not cfg.param_scheduler)
    if eta_min is not None:
        assert cfg.param_scheduler[0].eta_min == eta_min
    bb = cfg.model.backbone
    assert (bb.type, bb.depth, cfg.model.decode_head.num_classes) == ('mmseg.ResNet', 50,
                                                                      num_classes)
    assert tuple(bb.strides) == ((1, 2, 1, 1) if backbone.endswith('d8') else (1, 2, 2, 1))
    assert (cfg.model.type == 'FrozenEncoderDecoder') == (protocol == 'lp')
