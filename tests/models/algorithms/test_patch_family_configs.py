"""The patch-level family's configs: every decoder builds, every method trains, checkpoints
convert."""
import glob
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS

from ssl4dp_mm.checkpoints import check_fits, to_seg_state_dict
from tests.conftest import config_path, load_config, load_tool, train_few_iters
from tests.models.algorithms.patch_family_utils import DECODERS, METHODS, batch, cfg_path

ALL_METHODS = METHODS + ('plmoco', 'mocodec')
HEADS = dict(mocofcn='FCNHead', psp='PSPHead', aspp='ASPPHead', dlv3p='DepthwiseSeparableASPPHead',
             nl='NLHead', psp256='PSPHead')
SEG_BASES = dict(mocofcn='mocofcn_r18-d8_seg.py', psp='pspnet_r18-d8_seg.py',
                 aspp='deeplabv3_r18-d8_seg.py', dlv3p='deeplabv3plus_r18-d8_seg.py',
                 nl='nonlocal_r18-d8_seg.py', psp256='pspnet256_r18-d8_seg.py')
TYPES = dict(plmocoplus='PLMoCoPlus', plsiam='PLSiam', prcl='PRCL', p2vec='P2Vec',
             plr='PatchRotationPred', plmoco='PLMoCo', mocodec='MoCoDec')


def test_every_method_has_a_config_per_decoder_and_one_without():
    walked = []
    for method in ALL_METHODS:
        for decoder in DECODERS + (None, ):
            path = config_path(cfg_path(method, decoder))
            assert osp.isfile(path), path
            walked.append(path)
    assert len(walked) == len(ALL_METHODS) * (len(DECODERS) + 1)
    on_disk = set()
    for method in ALL_METHODS:
        on_disk |= set(glob.glob(config_path('selfsup', method, '*.py')))
    assert set(walked) <= on_disk


@pytest.mark.parametrize('method', METHODS)
def test_config_without_decoder_computes_a_loss(method):
    init_default_scope('mmselfsup')
    cfg = load_config(cfg_path(method, None)).model
    for key in ('queue_len', 'img_queue_len'):
        if key in cfg:
            cfg[key] = 32
    model = MODELS.build(cfg)
    views, samples = batch([[[0, 0, 60, 60], [20, 10, 90, 80]]] * 2)
    if method == 'plr':
        for s in samples:
            s.set_field(torch.randint(0, 4, (32, 32)), 'rot_label')
    out = model.loss(views, samples)
    assert torch.isfinite(out['loss'])
    out['loss'].backward()


@pytest.mark.parametrize('method', METHODS)
def test_trains_two_iterations_from_its_config(method, toy_root, tmp_path):
    overrides = {'model.queue_len': 64, 'model.img_queue_len': 64} if method == 'plmocoplus' else {}
    cfg = load_config(cfg_path(method), toy_root, **overrides)
    init_default_scope('mmselfsup')
    runner = train_few_iters(cfg, tmp_path, iters=2)
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    assert losses[0] != losses[1], 'the loss should change between iterations'
    state = runner.model.state_dict()
    for prefix in ('backbone.', 'decoder.', 'head.' if method == 'plr' else 'neck.'):
        keys = [k for k in state if k.startswith(prefix) and k.endswith('weight')]
        assert keys and any(not torch.equal(state[k], runner.initial_state[k])
                            for k in keys), prefix
    # the checkpoint it wrote converts into the MoCoFCN segmentation model
    report = load_tool('convert_checkpoint').convert(
        str(tmp_path / 'iter_2.pth'), str(tmp_path / 'seg.pth'),
        config_path('_base_', 'models', SEG_BASES['mocofcn']), verbose=False)
    assert report['missing'] and all(k.startswith('decode_head.conv_seg.')
                                     for k in report['missing'])


@pytest.fixture(scope='module')
def seg_states():
    """state_dict() of each segmentation model (MMSeg EncoderDecoder with the matching head)."""
    init_default_scope('mmseg')
    from mmseg.registry import MODELS as SEG_MODELS
    states = {}
    for decoder, base in SEG_BASES.items():
        cfg = Config.fromfile(config_path('_base_', 'models', base)).model
        cfg.pop('pretrained', None)
        model = SEG_MODELS.build(cfg)
        assert type(model.decode_head).__name__ == HEADS[decoder]
        states[decoder] = model.state_dict()
    return states


@pytest.mark.parametrize('method', ALL_METHODS)
def test_config_builds_with_each_decoder_and_converts_into_its_head(method, seg_states):
    """Each w/dec model's state converts into the MMSeg model with the same head: only conv_seg is
    missing, nothing is left over."""
    init_default_scope('mmselfsup')
    channels = load_config('_base_/models/r18-d8.py').decoder_channels
    for decoder in DECODERS:
        cfg = load_config(cfg_path(method, decoder)).model
        for key in ('queue_len', 'img_queue_len'):
            if key in cfg:
                cfg[key] = 16
        model = MODELS.build(cfg)
        assert type(model).__name__ == TYPES[method]
        assert type(model.decoder).__name__ == HEADS[decoder]
        assert not hasattr(model.decoder, 'conv_seg')
        with torch.no_grad():
            assert model.encode(torch.randn(2, 3, 32, 32)).shape[1] == channels[decoder]
        converted, source = to_seg_state_dict(model.state_dict())
        assert source == 'ssl4dp_mm'
        missing, unexpected = check_fits(converted, seg_states[decoder], 'ResNetV1c')
        assert missing and all(k.startswith('decode_head.conv_seg.') for k in missing), missing
        assert not unexpected, unexpected
    init_default_scope('mmselfsup')
    assert MODELS.build(load_config(cfg_path(method, None)).model).decoder is None
