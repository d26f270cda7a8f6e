"""Every reference config runs, not only builds: 2 pre-training iterations on the generated
VOC aug / Cityscapes layouts continued from a synthetic MoCo v2 checkpoint (facebookresearch
layout), the checkpoint converted and checked against a segmentation leaf, that leaf trained 2
iterations and tested; and every ResNet-50 segmentation leaf trained 2 iterations and tested.

ResNet-50 on CPU is slow (about 8 s per step here, whatever the view size), so by default a
representative subset runs (DEFAULT_PRETRAIN: one config per method family and data pipeline,
both datasets; with DEFAULT_SEG every head and protocol, both output strides); the whole set is
marked ``reference_full``:

    python -m pytest -q -m reference_full tests/reference
"""
import math
import os.path as osp

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.registry import init_default_scope

from ssl4dp_mm.manifest import all_pretrain_rows, all_seg_leaves, pretrain_config
from tests.conftest import config_path, load_tool, seg_file
from tests.reference.conftest import FULL, tiny_pretrain_config, tiny_seg_config

# one per method family and data pipeline, both datasets; each also converts and runs a leaf
# (LP-100% with its decoder's head, or FT-10% with MoCoFCN for w/o dec)
DEFAULT_PRETRAIN = {
    ('plmoco', 'mocofcn', 'voc'),  # patch level, MoCo family, two views -> MoCoFCN LP
    ('mocodec', None, 'voc'),  # image level w/o dec -> FT-10% on VOC's two split lists
    ('detcons', 'mocofcn', 'cityscapes'),  # region level, Felzenszwalb masks, cached
}
# with the leaves run above: every head and every protocol at least once, both output strides
DEFAULT_SEG = {
    ('psp', 'r50b-d16', 'ft100', 'cityscapes'),
    ('aspp', 'r50b-d16', 'lp', 'voc'),
}


def _params(rows, default):
    return [pytest.param(*r, id='-'.join(str(x) for x in r),
                         marks=() if r in default else getattr(pytest.mark, FULL)) for r in rows]


@pytest.fixture(scope='module')
def splits(reference_roots):
    """The seeded 10% label splits the FT-10% leaves read, written as tools/make_label_split.py
    writes them (beside VOC's lists; Cityscapes' under splits/)."""
    from mmengine.config import Config

    from ssl4dp_mm.datasets.label_split import make_label_split
    for dataset, root in reference_roots.items():
        full = Config.fromfile(seg_file('psp', 'r50b-d8', 'ft100', dataset))
        parts = [full.train_dataloader.dataset]
        parts = list(parts[0].datasets) if 'datasets' in parts[0] else parts
        for part in parts + [full.val_dataloader.dataset]:
            part.data_root = root
        make_label_split(full.train_dataloader.dataset, 0.1, 0, full.val_dataloader.dataset)
    return reference_roots


class Snapshot(Hook):
    """Keeps the model's state as training starts (after the optimizer constructor has loaded
    the checkpoint and the runner has initialised the other weights)."""

    def before_train(self, runner):
        self.state = {k: v.detach().clone() for k, v in runner.model.state_dict().items()}


def pretrain(rel, root, init_checkpoint, work_dir):
    from mmengine.runner import Runner
    init_default_scope('mmselfsup')
    cfg = tiny_pretrain_config(rel, root, init_checkpoint, str(work_dir))
    runner = Runner.from_cfg(cfg)
    runner.snapshot = Snapshot()
    runner.register_hook(runner.snapshot, priority='VERY_LOW')
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses), losses
    return runner, osp.join(str(work_dir), 'iter_2.pth')


def segment(rel, root, load_from, work_dir):
    from mmengine.runner import Runner
    init_default_scope('mmseg')
    runner = Runner.from_cfg(tiny_seg_config(rel, root, load_from, str(work_dir)))
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses), losses
    metrics = runner.test()
    assert 0 <= metrics['mIoU'] <= 100, metrics
    return runner, metrics


def convert(src, dst, seg_rel):
    return load_tool('convert_checkpoint').convert(src, dst, config_path(seg_rel), verbose=False)


@pytest.mark.parametrize('method,decoder,dataset', _params(all_pretrain_rows(), DEFAULT_PRETRAIN))
def test_pretrain_converts_and_evaluates(method, decoder, dataset, splits, mocov2_checkpoint,
                                         tmp_path):
    ckpt_path, tv_state = mocov2_checkpoint
    runner, ckpt = pretrain(pretrain_config(method, decoder, dataset), splits[dataset], ckpt_path,
                            tmp_path / 'pretrain')
    # continued, not restarted: training starts from the MoCo v2 weights, stem included
    start = runner.snapshot.state
    for key, value in tv_state.items():
        if not key.startswith('fc.'):
            assert torch.equal(start['backbone.' + key], value), key
    groups = runner.optim_wrapper.optimizer.param_groups
    assert any(g['loaded'] for g in groups) and any(not g['loaded'] for g in groups)
    # the loaded-parameter ramp: below the main schedule, which starts at the base lr
    assert max(g['lr'] for g in groups if g['loaded']) < min(
        g['lr'] for g in groups if not g['loaded'])
    # convert against the leaf of its decoder (LP-100% needs one), else FT-10% with MoCoFCN
    protocol = 'lp' if decoder else 'ft10'
    seg_rel = seg_file(decoder or 'mocofcn', 'r50b-d8', protocol, dataset)
    report = convert(ckpt, str(tmp_path / 'mmseg.pth'), seg_rel)
    assert report['source'] == ('ssl4dp_mm' if decoder else 'mmselfsup')
    if decoder:
        assert all(k.startswith('decode_head.conv_seg') for k in report['missing'])
    seg_runner, _ = segment(seg_rel, splits[dataset], str(tmp_path / 'mmseg.pth'),
                            tmp_path / 'seg')
    if protocol == 'lp':  # only the classifier learned; the pre-trained decoder is intact
        converted = torch.load(str(tmp_path / 'mmseg.pth'), weights_only=True)['state_dict']
        seg_state = seg_runner.model.state_dict()
        key = next(k for k in converted if k.startswith('decode_head.') and 'conv_seg' not in k
                   and k.endswith('weight'))
        assert torch.equal(seg_state[key], converted[key]), key


@pytest.fixture(scope='module')
def pretrained(mocov2_checkpoint, tmp_path_factory):
    """A PLMoCo w/dec checkpoint per decoder, as training writes it (``state_dict``, keys
    ``backbone.*`` from the MoCo v2 checkpoint, ``decoder.*``, neck, queue...), without training
    (the pre-training tests above train)."""
    from mmselfsup.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

    from tests.conftest import load_config
    made = {}

    def get(head):
        if head not in made:
            init_default_scope('mmselfsup')
            cfg = load_config(pretrain_config('plmoco', head, 'voc'))
            cfg.model.queue_len = 64
            model = MODELS.build(cfg.model)
            OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
                type='ContinuedPretrainOptimWrapperConstructor',
                optim_wrapper_cfg=dict(optimizer=dict(type='SGD', lr=0.02)),
                paramwise_cfg=dict(init_checkpoint=mocov2_checkpoint[0])))(model)
            model.init_weights()
            made[head] = str(tmp_path_factory.mktemp(f'plmoco_{head}') / 'iter_2.pth')
            torch.save(dict(meta=dict(iter=2), state_dict=model.state_dict()), made[head])
        return made[head]

    return get


@pytest.mark.parametrize('head,backbone,protocol,dataset', _params(all_seg_leaves(), DEFAULT_SEG))
def test_seg_leaf_trains_and_tests(head, backbone, protocol, dataset, splits, pretrained,
                                   tmp_path):
    rel = seg_file(head, backbone, protocol, dataset)
    dst = str(tmp_path / 'mmseg.pth')
    report = convert(pretrained(head), dst, rel)  # an r50b-d8 checkpoint fits the d16 leaves too
    assert all(k.startswith('decode_head.conv_seg') for k in report['missing'])
    segment(rel, splits[dataset], dst, tmp_path / 'seg')
