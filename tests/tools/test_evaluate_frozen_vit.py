"""tools/evaluate_frozen.py on ViT-Tiny/16 checkpoints: without --config the ViT leaf of the
checkpoint's width is chosen (linear head without a decoder, FCN decoder with one), the token map
(``backbone.layers.11``, recorded as ``stage12``) is the last block's patch tokens reshaped to
H/16 x W/16, the decoder layer reads the FCN decoder; ResNet checkpoints keep their default."""
import json
import os.path as osp

import pytest
import torch

from ssl4dp_mm.evaluation.frozen_defaults import VIT_TOKEN_LAYER, vit_default_config
from ssl4dp_mm.features.feature_model import build_feature_model
from tests.conftest import config_path, load_tool

LINEAR = config_path('seg/vit/linear_vit-t16_lp-300i_toyscenes.py')
FCN = config_path('seg/vit/fcn_vit-t16_lp-300i_toyscenes.py')
RESNET = config_path('seg/mocofcn/mocofcn_r18-d8_lp-300i_toyscenes.py')


@pytest.fixture(scope='module')
def toy(tmp_path_factory):
    from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
    return make_toy_scenes(str(tmp_path_factory.mktemp('toy_vit')), {'train': 8, 'val': 4}, seed=2)


def _checkpoint(path, config, decoder_prefix=None, seed=5):
    """A checkpoint as our pre-training writes it: backbone.* (and decoder.*) plus a neck that
    the frozen protocols ignore."""
    model = build_feature_model(config, init_seed=seed)
    state = {f'backbone.{k}': v for k, v in model.backbone.state_dict().items()}
    if decoder_prefix:
        state.update({f'{decoder_prefix}.{k}': v for k, v in model.decoder.state_dict().items()})
    state['neck.fc.weight'] = torch.zeros(4, 192)
    torch.save(dict(state_dict=state), path)
    return model


def _args(ckpt, toy, work, *extra):
    return [ckpt, '--dataset', 'toy', '--data-root', toy, '--work-dir', work, '--kmeans-factors',
            '1', '--kmeans-n-init', '1', '--probe-pixels', '32', '--probe-max-iter', '20', *extra]


def test_vit_checkpoint_token_map(toy, tmp_path):
    tool = load_tool('evaluate_frozen')
    ckpt = str(tmp_path / 'vit_nodec.pth')
    model = _checkpoint(ckpt, LINEAR)
    assert vit_default_config('toy', ckpt) == LINEAR
    assert vit_default_config('camvid', ckpt) == config_path(
        'seg/vit/linear_vit-t16_lp-100i_camvid-half.py')
    assert tool.parse_args(_args(ckpt, toy, 'w')).config == LINEAR
    work = str(tmp_path / 'eval')
    recs = tool.main(_args(ckpt, toy, work, '--layers', VIT_TOKEN_LAYER, '--protocols',
                           'lp-convex', 'retrieval', 'knn', 'kmeans', '--name', 'vit',
                           '--backbone', 'vit-t16'))
    assert {r['column'] for r in recs} == {'LP-convex (stage12)', 'retrieval (stage12)',
                                           'kNN (stage12)', 'K-means (stage12)'}
    for r in recs:
        assert 0 <= r[r['metric']] <= 100 and r['layer'] == 'stage12' and r['config'] == LINEAR
    saved = osp.join(work, 'vit', 'mocofcn_vit-t16_toy', 'knn-stage12', 'seed0', 'eval_result.json')
    assert json.load(open(saved))['mIoU'] == next(r for r in recs if r['protocol'] == 'knn')['mIoU']
    # the map is the last block's patch tokens (after the final LayerNorm) as H/16 x W/16, and
    # the checkpoint's weights were loaded
    from ssl4dp_mm.evaluation import extract_dense_features
    from ssl4dp_mm.features.labelled_images import find_labelled_images
    loaded = build_feature_model(LINEAR, ckpt)
    for a, b in zip(loaded.backbone.state_dict().values(), model.backbone.state_dict().values()):
        assert torch.equal(a, b)
    images = find_labelled_images(toy, 'val', 'ToyScenesDataset', max_images=2)
    feats = extract_dense_features(loaded, images, 'stage12')
    img = images.read_image(0)
    h, w = img.shape[:2]
    assert feats.feats[0].shape == (192, -(-h // 16), -(-w // 16))
    backbone = loaded.backbone
    x = loaded.preprocess(torch.from_numpy(img)[None])
    with torch.no_grad():
        tokens, hw = backbone.patch_embed(x)
        tokens = backbone._pos_embeding(torch.cat([backbone.cls_token, tokens], 1), hw,
                                        backbone.pos_embed)
        for layer in backbone.layers:
            tokens = layer(tokens)
        tokens = backbone.norm1(tokens)[0, 1:]  # class token dropped
    expected = tokens.T.reshape(192, *hw).numpy()
    assert abs(feats.feats[0] - expected).max() < 1e-4
    # no decoder in the checkpoint: the decoder layer is refused, naming the backbone layers
    with pytest.raises(ValueError, match='no decoder weights'):
        tool.main(_args(ckpt, toy, work, '--protocols', 'knn'))


def test_vit_checkpoint_with_decoder_and_resnet_default(toy, tmp_path):
    tool = load_tool('evaluate_frozen')
    ckpt = str(tmp_path / 'vit_dec.pth')
    _checkpoint(ckpt, FCN, decoder_prefix='decoder')
    assert vit_default_config('toy', ckpt) == FCN
    work = str(tmp_path / 'eval')
    recs = tool.main(_args(ckpt, toy, work, '--layers', 'decoder', 'backbone.layers.11',
                           '--protocols', 'knn', '--name', 'vitdec'))
    assert {r['column'] for r in recs} == {'kNN (decoder)', 'kNN (stage12)'}
    assert all(r['config'] == FCN for r in recs)
    # a ResNet checkpoint keeps the dataset's default config (and its layer names)
    resnet = str(tmp_path / 'resnet.pth')
    model = build_feature_model(RESNET, init_seed=1)
    torch.save(dict(state_dict={f'backbone.{k}': v for k, v in
                                model.backbone.state_dict().items()}), resnet)
    assert vit_default_config('toy', resnet) is None
    assert tool.parse_args(_args(resnet, toy, 'w')).config == RESNET
    rec = tool.main(_args(resnet, toy, work, '--protocols', 'knn', '--layers', 'backbone.layer4'))
    assert rec[0]['layer'] == 'stage4'
