"""The decoders added after MoCoFCN / PSPNet / DeepLabv3: DeepLabv3+ (stage-1 skip), Non-local and
PSPNet-256. Every toy pre-training config with one of them trains (as `mim train` runs it:
mmengine's Runner from the config), converts into its head's LP leaf with only conv_seg new, and
each head's three protocols train from the converted weights and test on the toy scenes.

The region- and image-level methods (RLMoCo, DetCon-S/B, Exemplar-v2, MoCo multi-crop) came later:
each trains with DeepLabv3+ (the stride-4 case) by default and with Non-local / PSPNet-256 under
``-m reference_full``; all of their configs build and convert into their head by default."""
import glob
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS

from ssl4dp_mm.checkpoints import check_fits, to_seg_state_dict
from ssl4dp_mm.datasets.label_split import make_label_split
from ssl4dp_mm.manifest import HEADS
from ssl4dp_mm.manifest import METHODS as MANIFEST_METHODS
from ssl4dp_mm.manifest import PROTOCOLS, leaf_config
from tests.conftest import FULL, config_path, load_config, load_tool, seg_file, train_few_iters
from tests.models.algorithms.patch_family_utils import cfg_path

NEW_DECODERS = ('dlv3p', 'nl', 'psp256')
METHODS = ('plmoco', 'mocodec', 'plmocoplus', 'plsiam', 'prcl', 'p2vec', 'plr')
# region level (masks pooled at the decoder's stride) and image level (the decoder's map pooled)
LATER_METHODS = ('rlmoco', 'detcons', 'detconb', 'exemplarv2', 'mocomc')
# every method with a -mocofcn CamVid config that takes a decoder
CAMVID_METHODS = ('plmoco', 'mocodec', 'plmocoplus', 'plsiam', 'p2vec', 'prcl', 'plr', 'rlmoco',
                  'detcons', 'detconb', 'mocomc', 'edmoco', 'pledmoco')
# the widths and output stride each decoder hands to the projector (64 px views, ResNet-18-d8)
WIDTH = {d: HEADS[d].channels for d in NEW_DECODERS}
STRIDE = dict(dlv3p=4, nl=8, psp256=8)


def leaf(decoder: str, protocol: str) -> str:
    return leaf_config(decoder, protocol, 'toy')


def toy_config(method: str, decoder: str) -> str:
    """The toy pre-training config of ``method`` with ``decoder``."""
    if method in METHODS:
        return cfg_path(method, decoder)
    return (f'selfsup/{MANIFEST_METHODS[method].folder}/{method}_r18-d8-{decoder}_1xb8-300i_'
            'toyscenes.py')


def reference_config(method: str, decoder: str, dataset: str) -> str:
    epochs = 50 if (method, dataset) == ('plmocoplus', 'cityscapes') else 20  # the reports' table
    return (f'selfsup/{MANIFEST_METHODS[method].folder}/{method}_r50b-d8-{decoder}_1xb16-{epochs}e_'
            f'{dataset}_from-mocov2.py')


def camvid_config(method: str, decoder: str) -> str:
    return (f'selfsup/{MANIFEST_METHODS[method].folder}/{method}_r18-d8-{decoder}_1xb16-120i_'
            'camvid.py')


def pretrain(rel, toy_root, work_dir, iters=2):
    overrides = {}
    cfg = load_config(rel, toy_root)
    for key in ('queue_len', 'img_queue_len'):
        if key in cfg.model:
            overrides[f'model.{key}'] = 64
    cfg.merge_from_dict(overrides)
    init_default_scope('mmselfsup')
    return train_few_iters(cfg, work_dir, iters=iters)


def test_every_method_has_the_new_decoders_at_every_scale():
    walked = []
    for decoder in NEW_DECODERS:
        walked += [toy_config(m, decoder) for m in METHODS + LATER_METHODS]
        walked += [camvid_config(m, decoder) for m in CAMVID_METHODS]
        walked += [reference_config(m, decoder, dataset) for dataset in ('voc12aug', 'cityscapes')
                   for m in ('plmoco', 'mocodec', 'plmocoplus', 'plsiam', 'prcl', 'p2vec')
                   + LATER_METHODS]
    assert len(walked) == 3 * (12 + 13 + 2 * 11)
    missing = [rel for rel in walked if not osp.isfile(config_path(rel))]
    assert not missing, missing
    # every CamVid -mocofcn config that takes a decoder has the three new ones
    camvid = {osp.basename(p).split('_')[0]
              for p in glob.glob(config_path('selfsup', '*', '*-mocofcn_*_camvid.py'))}
    assert camvid == set(CAMVID_METHODS)
    for decoder in NEW_DECODERS:
        for protocol in PROTOCOLS:
            assert osp.isfile(config_path(leaf(decoder, protocol)))


@pytest.mark.parametrize('decoder', NEW_DECODERS)
def test_the_decoder_dicts_are_shared_by_pretraining_and_segmentation(decoder):
    """The same dict at each scale: pre-training decoder == segmentation decode head (less
    num_classes and the loss), so the weights carry key for key."""
    for pre, seg in (
            (cfg_path('plmoco', decoder), leaf(decoder, 'lp')),
            (camvid_config('mocodec', decoder),
             leaf_config(decoder, 'lp', 'camvid')),
            (f'selfsup/plmoco/plmoco_r50b-d8-{decoder}_1xb16-20e_voc12aug_from-mocov2.py',
             seg_file(decoder, 'r50b-d8', 'lp', 'voc'))):
        dec = Config.fromfile(config_path(pre)).model.decoder.to_dict()
        head = Config.fromfile(config_path(seg)).model.decode_head.to_dict()
        head.pop('num_classes'), head.pop('loss_decode')
        head['type'] = head['type'].replace('mmseg.', '')
        dec['type'] = dec['type'].replace('mmseg.', '')
        assert dec == head, (pre, seg)


def _train_cases():
    """(method, decoder): every toy config with a new decoder; of the later methods only DeepLabv3+
    (the stride-4 case) by default, Non-local and PSPNet-256 under -m reference_full."""
    cases = [pytest.param(m, d, id=f'{m}-{d}') for d in NEW_DECODERS for m in METHODS]
    slow = getattr(pytest.mark, FULL)
    cases += [pytest.param(m, d, id=f'{m}-{d}', marks=() if d == 'dlv3p' else slow)
              for d in NEW_DECODERS for m in LATER_METHODS]
    return cases


@pytest.mark.parametrize('method,decoder', _train_cases())
def test_trains_two_iterations_and_converts_into_its_head(method, decoder, toy_root, tmp_path):
    rel = toy_config(method, decoder)
    runner = pretrain(rel, toy_root, tmp_path)
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    model = runner.model
    assert model.decoder is not None
    model.eval()  # a 1-image batch: pooled 1x1 maps need BatchNorm's running statistics
    with torch.no_grad():
        feat = model.encode(torch.randn(1, 3, 64, 64))
    assert tuple(feat.shape) == (1, WIDTH[decoder], 64 // STRIDE[decoder], 64 // STRIDE[decoder])
    state = model.state_dict()
    moved = [k for k in state if k.startswith('decoder.') and k.endswith('weight')
             and not torch.equal(state[k], runner.initial_state[k])]
    if decoder == 'dlv3p':  # the skip and the fuse convs learn: they are in the pre-training graph
        assert any(k.startswith('decoder.c1_bottleneck.') for k in moved), moved
        assert any(k.startswith('decoder.sep_bottleneck.') for k in moved), moved
    if decoder == 'nl':
        assert any(k.startswith('decoder.nl_block.') for k in moved), moved
    assert moved
    report = load_tool('convert_checkpoint').convert(
        str(tmp_path / 'iter_2.pth'), str(tmp_path / 'seg.pth'), config_path(leaf(decoder, 'lp')),
        verbose=False)
    assert report['missing'] == ['decode_head.conv_seg.weight', 'decode_head.conv_seg.bias']
    assert report['unexpected'] == []


SEG_BASES = dict(dlv3p='deeplabv3plus_r18-d8_seg.py', nl='nonlocal_r18-d8_seg.py',
                 psp256='pspnet256_r18-d8_seg.py')
TYPES = dict(rlmoco='RLMoCo', detcons='DetConS', detconb='DetConB', exemplarv2='ExemplarV2',
             mocomc='MoCoMultiCrop')


@pytest.fixture(scope='module')
def seg_states():
    """decoder -> state_dict() of the MMSeg EncoderDecoder with the matching head."""
    from mmseg.registry import MODELS as SEG_MODELS
    init_default_scope('mmseg')
    states = {}
    for decoder, base in SEG_BASES.items():
        cfg = Config.fromfile(config_path('_base_', 'models', base)).model
        cfg.pop('pretrained', None)
        states[decoder] = SEG_MODELS.build(cfg).state_dict()
    return states


@pytest.mark.parametrize('decoder', NEW_DECODERS)
@pytest.mark.parametrize('method', LATER_METHODS)
def test_later_methods_build_with_each_new_decoder_and_convert_into_its_head(
        method, decoder, seg_states):
    """Without training (that is the test above): the model of each toy config has the decoder,
    hands its width to the projector, and its state converts into the matching head with only
    conv_seg missing."""
    init_default_scope('mmselfsup')
    cfg = load_config(toy_config(method, decoder)).model
    if 'queue_len' in cfg:  # the MoCo family (MoCo multi-crop: >= its 20 neighbours)
        cfg.queue_len = 64
    model = MODELS.build(cfg).eval()
    assert type(model).__name__ == TYPES[method]
    with torch.no_grad():
        feat = model.encode(torch.randn(1, 3, 64, 64))
    assert tuple(feat.shape) == (1, WIDTH[decoder], 64 // STRIDE[decoder], 64 // STRIDE[decoder])
    assert cfg.neck.in_channels == WIDTH[decoder]
    if method == 'mocomc':  # the kNN queue holds the pooled decoder features
        assert model.knn_queue.feats.shape[1] == WIDTH[decoder]
    converted, source = to_seg_state_dict(model.state_dict())
    assert source == 'ssl4dp_mm'
    missing, unexpected = check_fits(converted, seg_states[decoder], 'ResNetV1c')
    assert sorted(missing) == ['decode_head.conv_seg.bias', 'decode_head.conv_seg.weight']
    assert not unexpected, unexpected


@pytest.fixture(scope='module')
def converted(toy_root, tmp_path_factory):
    """decoder -> an MMSeg checkpoint converted from 2 iterations of PLMoCo w/ that decoder."""
    out = {}
    for decoder in NEW_DECODERS:
        work = tmp_path_factory.mktemp(f'plmoco-{decoder}')
        pretrain(cfg_path('plmoco', decoder), toy_root, work)
        dst = str(work / 'seg.pth')
        load_tool('convert_checkpoint').convert(str(work / 'iter_2.pth'), dst,
                                                config_path(leaf(decoder, 'lp')), verbose=False)
        out[decoder] = dst
    return out


@pytest.mark.parametrize('protocol', sorted(PROTOCOLS))
@pytest.mark.parametrize('decoder', NEW_DECODERS)
def test_each_protocol_trains_from_the_converted_weights_and_tests(decoder, protocol, converted,
                                                                   toy_root, tmp_path):
    from mmengine.runner import Runner
    init_default_scope('mmseg')
    cfg = load_config(leaf(decoder, protocol), toy_root)
    if protocol == 'ft10':  # the seeded 10% split, as tools/make_label_split.py writes it
        full = load_config(leaf(decoder, 'ft100'), toy_root).train_dataloader.dataset
        (split, ) = make_label_split(full, 0.1, 0, cfg.val_dataloader.dataset,
                                     str(tmp_path / 'splits'))
        assert len(split['names']) == 2  # of the 16 toy training images
        cfg.train_dataloader.dataset.ann_file = osp.abspath(split['path'])
    cfg.load_from = converted[decoder]
    runner = train_few_iters(cfg, tmp_path / 'train', iters=2, batch_size=2)
    assert isinstance(runner, Runner)
    state = runner.model.state_dict()
    loaded = torch.load(converted[decoder], map_location='cpu', weights_only=True)['state_dict']
    key = next(k for k in loaded if k.startswith('decode_head.') and k.endswith('conv.weight'))
    if protocol == 'lp':  # loaded, then frozen
        assert torch.equal(state[key], loaded[key])
        assert cfg.model.type == 'FrozenEncoderDecoder'
    else:  # loaded, then trained
        assert not torch.equal(state[key], loaded[key])
    metrics = runner.test()
    assert 0.0 <= metrics['mIoU'] <= 100.0
