"""The evaluation configs say what the protocols say: learning rates, iterations, schedules, batch,
frozen parts, label-split files, backbone variants and paramwise multipliers."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from ssl4dp_mm.datasets.label_split import split_path, split_tag
from ssl4dp_mm.evaluation.trained_config import compose_config, dataset_parts, leaf_config
from ssl4dp_mm.manifest import HEADS
from tests.conftest import config_path

# (dataset, protocol) -> (lr, iters, cosine eta_min or None, batch, num_classes): the reference
# protocols
REFERENCE = {
    ('voc', 'ft10'): (0.001, 5000, None, 16, 21),
    ('voc', 'lp'): (0.03, 3000, None, 16, 21),
    ('voc', 'ft100'): (0.003, 30000, 3e-4, 16, 21),
    ('cityscapes', 'ft10'): (0.005, 15000, None, 16, 19),
    ('cityscapes', 'lp'): (0.1, 9000, None, 16, 19),
    ('cityscapes', 'ft100'): (0.01, 90000, 1e-4, 16, 19),
    ('camvid', 'ft10'): (0.005, 2000, None, 16, 11),
    ('camvid', 'lp'): (0.1, 1000, None, 16, 11),
    ('camvid', 'ft100'): (0.01, 10000, 1e-4, 16, 11),
    ('toy', 'ft10'): (0.005, 300, None, 8, 6),
    ('toy', 'lp'): (0.1, 300, None, 8, 6),
    ('toy', 'ft100'): (0.01, 300, 1e-4, 8, 6),
}


@pytest.mark.parametrize('head', sorted(HEADS))
@pytest.mark.parametrize('dataset,protocol', sorted(REFERENCE))
def test_protocol_settings(head, dataset, protocol):
    lr, iters, eta_min, batch, num_classes = REFERENCE[(dataset, protocol)]
    cfg = Config.fromfile(leaf_config(head, protocol, dataset))
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == ('SGD', lr, 0.9, 1e-4)
    assert cfg.train_cfg.max_iters == iters and cfg.train_dataloader.batch_size == batch
    if eta_min is None:
        assert not cfg.param_scheduler  # fixed lr
    else:
        (sched, ) = cfg.param_scheduler
        assert (sched.type, sched.T_max, sched.end, sched.eta_min) == (
            'CosineAnnealingLR', iters, iters, eta_min)
    model = cfg.model
    assert model.pretrained is None and model.get('auxiliary_head') is None
    assert model.decode_head.num_classes == num_classes
    assert model.backbone.type == 'mmseg.ResNetV1c' and model.backbone.depth == 18
    if protocol == 'lp':
        assert model.type == 'FrozenEncoderDecoder'
        assert list(model.trainable) == ['decode_head.conv_seg']
    else:
        assert model.type == 'EncoderDecoder'


def _unscoped(obj):
    if isinstance(obj, dict):
        return {k: _unscoped(v) for k, v in obj.items() if k != '_scope_'}
    if isinstance(obj, (list, tuple)):
        return [_unscoped(v) for v in obj]
    return obj


@pytest.mark.parametrize('dataset', ['toy', 'camvid', 'voc', 'cityscapes'])
def test_ft10_configs_read_the_files_the_split_tool_writes(dataset):
    """The FT-10% train set = the FT-100% one with each part's ann_file its default split."""
    full = Config.fromfile(leaf_config('psp', 'ft100', dataset)).train_dataloader.dataset
    part10 = Config.fromfile(leaf_config('psp', 'ft10', dataset)).train_dataloader.dataset
    full_parts, parts = dataset_parts(full), dataset_parts(part10)
    assert len(full_parts) == len(parts) == (2 if dataset == 'voc' else 1)
    for f, p in zip(full_parts, parts):
        root = f.data_root
        info = dict(ann_file=osp.join(root, f.ann_file) if f.get('ann_file') else None,
                    data_root=root, img_dir=osp.join(root, f.data_prefix.img_path))
        assert osp.join(root, p.ann_file) == split_path(info, split_tag(0.1, 0))
        # otherwise the same dataset (a base substituted from mmseg:: carries '_scope_' marks)
        assert _unscoped({k: v for k, v in p.items() if k != 'ann_file'}) == \
            _unscoped({k: v for k, v in f.items() if k != 'ann_file'})


VARIANT_BASES = sorted(glob.glob(config_path('_base_', 'models', '*_r*-d*_seg.py')))


def test_variant_walk_is_not_empty():
    assert len(VARIANT_BASES) >= 15
    assert ({osp.basename(p).split('_')[0] for p in VARIANT_BASES}
            == {h.folder for h in HEADS.values()})


@pytest.mark.parametrize('path', VARIANT_BASES, ids=osp.basename)
def test_evaluate_backbone_is_the_model_base(path):
    """tools/evaluate.py --backbone X runs the model of configs/_base_/models/<head>_X_seg.py, and
    that base takes the backbone and the head's decoder settings of the variant file <X>.py."""
    name = osp.basename(path)[:-len('_seg.py')]
    folder, backbone = name.split('_', 1)
    head = {h.folder: h.name for h in HEADS.values()}[folder]
    base = Config.fromfile(path).model
    run = compose_config(head, 'ft100', 'voc', seed=0, backbone=backbone)
    assert run.model.backbone.to_dict() == base.backbone.to_dict()
    got = {k: v for k, v in run.model.decode_head.items() if k != 'num_classes'}
    assert got == {k: v for k, v in base.decode_head.items() if k != 'num_classes'}
    variant = Config.fromfile(config_path('_base_', 'models', f'{backbone}.py'))
    assert base.backbone.to_dict() == variant.backbone.to_dict()
    for key, value in variant[HEADS[head].decoder_var].items():
        assert base.decode_head[key] == value, key
    plain = 'b-' in backbone
    assert base.backbone.type == ('mmseg.ResNet' if plain else 'mmseg.ResNetV1c')
    assert base.backbone.depth == int(backbone[1:3])
    if backbone.endswith('d16'):
        assert tuple(base.backbone.strides) == (1, 2, 2, 1)
        if head in ('aspp', 'dlv3p'):
            assert tuple(base.decode_head.dilations) == (1, 6, 12, 18)
    else:
        assert tuple(base.backbone.strides) == (1, 2, 1, 1)


def test_paramwise_encoder_lr_multiplier():
    from mmengine.optim import build_optim_wrapper
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    cfg = Config.fromfile(config_path('seg', 'mocofcn',
                                      'mocofcn_r18-d8_ft100-enclr0.01-300i_toyscenes.py'))
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    base_lr = cfg.optim_wrapper.optimizer.lr
    lr_of = {}
    for group in wrapper.optimizer.param_groups:
        for p in group['params']:
            lr_of[id(p)] = group['lr']
    for name, p in model.named_parameters():
        want = base_lr if name.startswith('decode_head.conv_seg.') else base_lr * 0.01
        assert lr_of[id(p)] == pytest.approx(want), name
    voc = Config.fromfile(config_path('seg', 'deeplabv3',
                                      'deeplabv3_r18-d8_ft100-enclr0.01-30k_voc12aug.py'))
    assert voc.optim_wrapper.paramwise_cfg.custom_keys == {'backbone': dict(lr_mult=0.01)}
