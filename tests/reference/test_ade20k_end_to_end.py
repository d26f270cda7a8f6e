"""ADE20K, added as one dataset base family plus one manifest entry, runs end to end on a
generated copy in its real layout: pre-training rows composed from the manifest train 2
iterations through tools/train.py, continued from a synthetic MoCo v2 checkpoint; the PLMoCo
checkpoint is converted and every protocol of its head (composed leaves: ADE20K has no leaf
files) trains 2 iterations and tests; tools/evaluate.py's config path composes the leaf too.

ResNet-50 on CPU is slow: the DetCon-S row and FT-10% / FT-100% are marked ``reference_full``
(``python -m pytest -q -m reference_full tests/reference/test_ade20k_end_to_end.py``).
"""
import math
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from ssl4dp_mm.benchmarking.small_pretrain import small_pretrain_config
from ssl4dp_mm.checkpoints.safe_io import load_checkpoint_file
from ssl4dp_mm.manifest import compose_pretrain_config, compose_seg_config, composed_seg_file
from tests._helpers.small_run import small_seg_config
from tests.conftest import FULL, load_tool

HEAD = 'mocofcn'
BACKBONE = 'r50b-d8'


@pytest.fixture(scope='module')
def ade_root(tmp_path_factory):
    """A generated ADE20K (12 training, 6 validation images) with the seeded 10% split the FT-10%
    leaf reads (splits/training_10pct_seed0.txt, as tools/make_label_split.py writes it)."""
    from ssl4dp_mm.datasets.label_split import make_label_split
    from ssl4dp_mm.datasets.reference_layouts_ade_coco import make_ade20k
    root = make_ade20k(str(tmp_path_factory.mktemp('ade')))
    full = compose_seg_config(HEAD, 'ft100', 'ade20k')
    for loader in ('train_dataloader', 'val_dataloader'):
        full[loader].dataset.data_root = root
    make_label_split(full.train_dataloader.dataset, 0.1, 0, full.val_dataloader.dataset)
    return root


def pretrain_through_train_py(method, decoder, root, init_checkpoint, work_dir):
    """The composed row cut to 2 iterations, written out and run by tools/train.py."""
    cfg = small_pretrain_config(compose_pretrain_config(method, decoder, 'ade20k'), root,
                                init_checkpoint, work_dir)
    path = osp.join(work_dir, 'config.py')
    cfg.dump(path)
    load_tool('train').main([path, '--work-dir', work_dir])
    ckpt = osp.join(work_dir, 'iter_2.pth')
    state = load_checkpoint_file(ckpt)
    assert state['meta']['iter'] == 2
    losses = state['message_hub']['log_scalars']['train/loss'].data[0]
    assert len(losses) == 2 and all(math.isfinite(x) for x in losses), losses
    return ckpt


@pytest.fixture(scope='module')
def plmoco_checkpoint(ade_root, mocov2_checkpoint, tmp_path_factory):
    work = str(tmp_path_factory.mktemp('plmoco_ade20k'))
    return pretrain_through_train_py('plmoco', HEAD, ade_root, mocov2_checkpoint[0], work)


@pytest.mark.parametrize('method,decoder', [
    ('plmoco', HEAD),
    pytest.param('detcons', HEAD, marks=getattr(pytest.mark, FULL)),
])
def test_pretrain_row_trains_through_train_py(method, decoder, ade_root, mocov2_checkpoint,
                                              tmp_path, request):
    if method == 'plmoco':  # the module's checkpoint, also converted below
        ckpt = request.getfixturevalue('plmoco_checkpoint')
    else:
        ckpt = pretrain_through_train_py(method, decoder, ade_root, mocov2_checkpoint[0],
                                         str(tmp_path))
    state = load_checkpoint_file(ckpt)['state_dict']
    assert any(k.startswith('decoder.') for k in state)


@pytest.mark.parametrize('protocol', [
    'lp',
    pytest.param('ft10', marks=getattr(pytest.mark, FULL)),
    pytest.param('ft100', marks=getattr(pytest.mark, FULL)),
])
def test_protocol_trains_and_tests_from_the_converted_checkpoint(protocol, ade_root,
                                                                 plmoco_checkpoint, tmp_path):
    from mmengine.runner import Runner
    leaf = composed_seg_file(HEAD, protocol, 'ade20k', BACKBONE)
    dst = str(tmp_path / 'mmseg.pth')
    report = load_tool('convert_checkpoint').convert(plmoco_checkpoint, dst, leaf, verbose=False)
    assert report['source'] == 'ssl4dp_mm'
    assert all(k.startswith('decode_head.conv_seg') for k in report['missing'])
    init_default_scope('mmseg')
    cfg = small_seg_config(Config.fromfile(leaf), ade_root, dst, str(tmp_path / 'seg'))
    assert cfg.model.decode_head.num_classes == 150
    if protocol == 'ft10':  # the split's one image of 12
        assert cfg.train_dataloader.dataset.ann_file == 'splits/training_10pct_seed0.txt'
    runner = Runner.from_cfg(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses), losses
    metrics = runner.test()
    assert 0 <= metrics['mIoU'] <= 100, metrics


def test_evaluate_composes_the_missing_leaf(ade_root):
    """tools/evaluate.py's run config: no ADE20K leaf file, the composed one instead."""
    from ssl4dp_mm.evaluation.trained_config import compose_config, leaf_config
    from ssl4dp_mm.manifest import leaf_config as manifest_leaf
    from tests.conftest import config_path
    assert not osp.isfile(config_path(manifest_leaf('psp', 'lp', 'ade20k')))
    leaf = leaf_config('psp', 'lp', 'ade20k')
    assert osp.isfile(leaf) and leaf.endswith('pspnet_r18-d8_lp-8k_ade20k.py')
    cfg = compose_config('psp', 'lp', 'ade20k', seed=1, backbone='r50b-d8', data_root=ade_root,
                         iters=20)
    # the run starts from the composed leaf of its own backbone
    r50b = leaf_config('psp', 'lp', 'ade20k', 'r50b-d8')
    assert r50b.endswith('pspnet_r50b-d8_lp-8k_ade20k.py')
    assert cfg.leaf_config == r50b and cfg.model.type == 'FrozenEncoderDecoder'
    assert cfg.model.backbone.depth == 50 and cfg.train_cfg.max_iters == 20
    assert cfg.test_dataloader.dataset.data_root == ade_root
