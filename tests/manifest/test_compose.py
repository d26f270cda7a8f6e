"""ssl4dp_mm/manifest/compose.py: every static leaf the manifest names is its composition written
out (equal resolved configs), and tools/reproduce.py prints and writes composed configs.

No leaf carries anything beyond its composition, so no leaf is listed as an exception. The leaves
of ``configs/seg/`` the manifest cannot name (a dataset it does not list such as CamVid-half, the
encoder-lr and linear-decoder variants) are not composed.
"""
import copy
import functools
import glob
import json
import os.path as osp

import pytest
from mmengine.config import Config

from ssl4dp_mm.manifest import (DATASETS, HEADS, PROTOCOLS, all_pretrain_rows,
                                compose_pretrain_config, compose_seg_config, leaf_config,
                                pretrain_config, pretrain_config_text, seg_config_text)
from ssl4dp_mm.paths import CONFIG_ROOT
from tests.conftest import config_path, load_tool


def static_seg_leaves():
    """Every (head, protocol, dataset, backbone) whose leaf is a file in ``configs/seg/``."""
    found = []
    for head, h in HEADS.items():
        for protocol in PROTOCOLS:
            for dataset, ds in DATASETS.items():
                tail = f'_{protocol}-{ds.iters[protocol]}_{ds.suffix}.py'
                for path in glob.glob(config_path('seg', h.folder, f'{h.folder}_*{tail}')):
                    backbone = osp.basename(path)[len(h.folder) + 1:-len(tail)]
                    if osp.isfile(config_path(leaf_config(head, protocol, dataset, backbone))):
                        found.append((head, protocol, dataset, backbone))
    return sorted(found)


SEG_LEAVES = static_seg_leaves()
PRETRAIN_ROWS = all_pretrain_rows()


@pytest.fixture(scope='module', autouse=True)
def parsed_bases_once():
    """Parse each base file once for the whole module (mmengine re-reads every base, and every
    ``mmseg::`` name scans MMSeg's 159 metafiles, for each of the ~600 loads here): both sides of
    every comparison load through the same cache, and a cached parse is returned as a deep copy."""
    import mmengine.config.config as mm_config
    file2dict, external = mm_config.Config._file2dict, mm_config._get_external_cfg_path
    memo = {}

    def cached_file2dict(filename, *args, **kwargs):
        if f'{osp.sep}_base_{osp.sep}' not in filename and '.mim' not in filename:
            return file2dict(filename, *args, **kwargs)
        key = (filename, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = file2dict(filename, *args, **kwargs)
        return copy.deepcopy(memo[key])

    @functools.lru_cache(maxsize=None)
    def external_or_error(package_path, cfg_file):
        try:
            return external(package_path, cfg_file), None
        except ValueError as err:  # a base without metafile: mmengine falls back on this
            return None, err

    def cached_external(package_path, cfg_file):
        path, err = external_or_error(package_path, cfg_file)
        if err is not None:
            raise err
        return path

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mm_config.Config, '_file2dict', staticmethod(cached_file2dict))
        mp.setattr(mm_config, '_get_external_cfg_path', cached_external)
        yield


def resolved(cfg: Config) -> str:
    return json.dumps(cfg.to_dict(), sort_keys=True, default=repr)


def test_the_walk_found_the_leaves():
    heads = {h for h, *_ in SEG_LEAVES}
    datasets = {d for _, _, d, _ in SEG_LEAVES}
    backbones = {b for *_, b in SEG_LEAVES}
    assert heads == set(HEADS) and {'toy', 'camvid', 'voc', 'cityscapes'} <= datasets
    # 6 heads x 3 protocols x 4 datasets; the ResNet-50 leaves are composed only
    assert backbones == {'r18-d8'} and len(SEG_LEAVES) == 72
    assert len(PRETRAIN_ROWS) >= 148


@pytest.mark.parametrize('head,protocol,dataset,backbone', SEG_LEAVES,
                         ids=['-'.join(leaf) for leaf in SEG_LEAVES])
def test_seg_leaf_is_its_composition(head, protocol, dataset, backbone):
    leaf = Config.fromfile(config_path(leaf_config(head, protocol, dataset, backbone)))
    assert resolved(compose_seg_config(head, protocol, dataset, backbone)) == resolved(leaf)


@pytest.mark.parametrize('method,decoder,dataset', PRETRAIN_ROWS,
                         ids=[f'{m}-{d}-{ds}' for m, d, ds in PRETRAIN_ROWS])
def test_pretrain_leaf_is_its_composition(method, decoder, dataset):
    leaf = Config.fromfile(config_path(pretrain_config(method, decoder, dataset)))
    assert resolved(compose_pretrain_config(method, decoder, dataset)) == resolved(leaf)


def test_composed_leaf_text():
    text = seg_config_text('psp', 'lp', 'voc', 'r50b-d8', '../../_base_')
    assert "    '../../_base_/models/pspnet_r50b-d8_seg.py',\n" in text
    assert "    '../../_base_/protocols/lp-3k_voc12aug.py',\n" in text
    assert "type='FrozenEncoderDecoder'" in text and 'num_classes=21' in text
    ft = seg_config_text('psp', 'ft10', 'cityscapes')
    assert 'FrozenEncoderDecoder' not in ft and 'num_classes=19' in ft
    assert 'protocols/ft10-15k_cityscapes.py' in ft
    # DenseCL's warm-up, 0.2 epoch: VOC 661 iterations per epoch -> 132, Cityscapes 185 -> 37
    assert 'start_iters=132' in pretrain_config_text('densecl', None, 'voc')
    assert 'start_iters=37' in pretrain_config_text('densecl', None, 'cityscapes')


@pytest.mark.parametrize('call,message', [
    (lambda: seg_config_text('unet', 'lp', 'voc'), "unknown head 'unet'"),
    (lambda: seg_config_text('psp', 'ft50', 'voc'), "unknown protocol 'ft50'"),
    (lambda: seg_config_text('psp', 'lp', 'coco'), "unknown dataset 'coco'"),
    (lambda: pretrain_config_text('plsiam', None, 'voc'), 'plsiam has no reference config'),
    (lambda: pretrain_config_text('plmoco', 'mocofcn', 'toy'), "'toy' has no pre-training"),
])
def test_unknown_parts_are_refused_by_name(call, message):
    with pytest.raises(KeyError, match=message):
        call()


def test_reproduce_prints_and_writes_a_composed_seg_leaf(capsys, tmp_path):
    out = str(tmp_path / 'leaf.py')
    load_tool('reproduce').main(['--seg', 'aspp', 'ft100', 'ade20k', '--backbone', 'r50b-d8',
                                 '--write-config', out])
    assert capsys.readouterr().out == seg_config_text('aspp', 'ft100', 'ade20k', 'r50b-d8',
                                                      '../../_base_')
    written = Config.fromfile(out)
    assert written.model.decode_head.num_classes == 150 and written.model.backbone.depth == 50
    assert written.train_cfg.max_iters == 80000


def test_reproduce_prints_and_writes_a_composed_pretrain_row(capsys, tmp_path):
    out = str(tmp_path / 'row.py')
    load_tool('reproduce').main(['--pretrain', 'plmoco', 'none', 'ade20k', '--write-config', out])
    assert capsys.readouterr().out == pretrain_config_text('plmoco', None, 'ade20k',
                                                           '../../_base_')
    written = Config.fromfile(out)
    assert written.model.decoder is None and written.model.neck.in_channels == 2048
    assert written.train_dataloader.dataset.data_prefix.img_path == 'images/training'


def test_reproduce_refuses_an_unknown_part(capsys):
    with pytest.raises(SystemExit) as err:
        load_tool('reproduce').main(['--seg', 'psp', 'lp', 'coco'])
    assert err.value.code == 2 and "unknown dataset 'coco'" in capsys.readouterr().err


def test_protocol_piece_bases_are_read_from_the_piece(tmp_path, monkeypatch):
    from ssl4dp_mm.manifest import protocols
    for dataset in DATASETS:
        for protocol in PROTOCOLS:
            bases = protocols.protocol_piece_bases(protocol, dataset)
            assert all(osp.isfile(osp.join(CONFIG_ROOT, '_base_', b)) for b in bases)
            cfg = Config.fromfile(osp.join(CONFIG_ROOT, '_base_',
                                           protocols.protocol_piece(protocol, dataset)))
            assert cfg.train_cfg.max_iters == protocols.protocol_iters(protocol, dataset)
    assert protocols.protocol_piece_bases('ft100', 'voc') == [
        'datasets/voc12aug_seg.py', 'schedules/seg_ft100-30k_voc.py', 'seg_runtime.py']
    # a piece without a _base_ list is refused, naming the file
    piece = tmp_path / '_base_' / 'protocols' / 'lp-3k_voc12aug.py'
    piece.parent.mkdir(parents=True)
    piece.write_text("train_cfg = dict(max_iters=3000)\n")
    monkeypatch.setattr(protocols, 'CONFIG_ROOT', str(tmp_path))
    with pytest.raises(ValueError, match='lp-3k_voc12aug.py: expected a _base_ list'):
        protocols.protocol_piece_bases('lp', 'voc')


def test_iteration_tags_are_read_from_the_protocol_pieces(tmp_path, monkeypatch):
    from ssl4dp_mm.manifest import protocols
    assert protocols.dataset_of('voc').iters == dict(ft10='5k', lp='3k', ft100='30k')
    assert protocols.dataset_of('ade20k').iters == dict(ft10='16k', lp='8k', ft100='80k')
    folder = tmp_path / '_base_' / 'protocols'
    folder.mkdir(parents=True)
    for name in ('lp-1k_newset.py', 'ft100-10k_newset.py', 'vit_ft10-2k_newset.py'):
        (folder / name).write_text('')
    monkeypatch.setattr(protocols, 'CONFIG_ROOT', str(tmp_path))
    protocols._protocol_tags.cache_clear()
    try:
        with pytest.raises(KeyError, match='no protocol piece <protocol>-<iters>_newset.py'):
            protocols._protocol_tags('newset')
        (folder / 'ft10-2k_newset.py').write_text('')
        assert protocols._protocol_tags('newset') == (('ft10', '2k'), ('lp', '1k'),
                                                      ('ft100', '10k'))
        (folder / 'lp-2k_newset.py').write_text('')
        protocols._protocol_tags.cache_clear()
        with pytest.raises(KeyError, match='two lp pieces for newset'):
            protocols._protocol_tags('newset')
    finally:
        protocols._protocol_tags.cache_clear()


TIMM_BACKBONES = {'timm-vit-s14-dinov2': ('vit_small_patch14_dinov2', 384),
                  'timm-convnext-t': ('convnext_tiny', 768)}


@pytest.mark.parametrize('backbone', sorted(TIMM_BACKBONES))
@pytest.mark.parametrize('dataset', sorted(DATASETS))
def test_timm_backbone_leaves_compose(backbone, dataset):
    """Every protocol on every dataset for the MoCoFCN head on a timm backbone: LP-100% is the
    ResNet leaf's protocol; FT-10% / FT-100% keep its data, iterations and batch with the
    transformer recipe (AdamW, layer-wise decay of the backbone base)."""
    model_name, width = TIMM_BACKBONES[backbone]
    decay = Config.fromfile(config_path('_base_', 'models', f'{backbone}.py'.replace(
        'timm-', 'timm_'))).timm_layer_decay
    for protocol in PROTOCOLS:
        cfg = compose_seg_config('mocofcn', protocol, dataset, backbone)
        resnet = compose_seg_config('mocofcn', protocol, dataset)
        assert cfg.model.backbone.type == 'mmseg.TimmDenseBackbone'
        assert cfg.model.backbone.model_name == model_name
        assert cfg.model.decode_head.in_channels == width
        assert cfg.model.decode_head.num_classes == DATASETS[dataset].num_classes
        for key in ('train_dataloader', 'train_cfg', 'test_dataloader'):
            assert cfg[key] == resnet[key], key
        if protocol == 'lp':
            assert cfg.optim_wrapper == resnet.optim_wrapper
            assert cfg.model.type == 'FrozenEncoderDecoder'
        else:
            assert cfg.optim_wrapper.optimizer.type == 'AdamW'
            assert cfg.optim_wrapper.constructor == 'ViTLayerDecayOptimWrapperConstructor'
            assert cfg.optim_wrapper.paramwise_cfg == decay


def test_a_backbone_without_a_piece_is_refused_naming_it(monkeypatch):
    from ssl4dp_mm.manifest import protocols
    real = osp.isfile
    monkeypatch.setattr(protocols.osp, 'isfile', lambda p: False if p.endswith(
        'vit_ft100-30k_voc12aug.py') else real(p))
    with pytest.raises(KeyError, match='no protocol piece configs/_base_/protocols/'
                       'vit_ft100-30k_voc12aug.py for ft100 on voc with the timm-convnext-t'):
        seg_config_text('mocofcn', 'ft100', 'voc', 'timm-convnext-t')
    with pytest.raises(KeyError, match='the mocofcn head has: .*r50b-d8.*timm-convnext-t'):
        seg_config_text('mocofcn', 'ft100', 'voc', 'timm-vit-b14')
