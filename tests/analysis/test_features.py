"""Feature models from pre-training, MMSeg and converted checkpoints; features at sampled pixels."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ssl4dp_mm.analysis.features import extract_features, load_features, save_features
from ssl4dp_mm.analysis.pixel_sampling import sample_pixels
from ssl4dp_mm.checkpoints import load_checkpoint_file, save_checkpoint_atomic
from ssl4dp_mm.checkpoints.convert import convert_checkpoint
from ssl4dp_mm.features.at_pixels import features_at_pixels
from ssl4dp_mm.features.feature_model import build_feature_model
from ssl4dp_mm.features.labelled_images import find_labelled_images
from tests.analysis.conftest import PRETRAIN_NODEC_CFG
from tests.conftest import config_path


@pytest.mark.parametrize('size', [(96, 128), (37, 50)])
def test_features_at_pixels_is_bilinear_upsampling(size):
    feat = torch.randn(1, 5, 12, 16)
    yy, xx = torch.meshgrid(torch.arange(size[0]), torch.arange(size[1]), indexing='ij')
    yx = torch.stack([yy.ravel(), xx.ravel()], 1)
    full = F.interpolate(feat, size, mode='bilinear', align_corners=False)[0]  # 5xHxW
    got = features_at_pixels(feat, yx, size)
    assert torch.allclose(got, full[:, yx[:, 0], yx[:, 1]].t(), atol=1e-5)


def _backbone_decoder(state_dict, dec_prefix):
    bb = {k[len('backbone.'):]: v for k, v in state_dict.items() if k.startswith('backbone.')}
    dec = {k[len(dec_prefix):]: v for k, v in state_dict.items()
           if k.startswith(dec_prefix) and 'conv_seg' not in k}
    return bb, dec


def _assert_loaded(model, state_dict, dec_prefix):
    bb, dec = _backbone_decoder(state_dict, dec_prefix)
    own_bb, own_dec = model.backbone.state_dict(), model.decoder.state_dict()
    assert set(own_bb) == set(bb) and set(own_dec) == set(dec)
    assert all(torch.equal(own_bb[k], bb[k]) for k in bb)
    assert all(torch.equal(own_dec[k], dec[k]) for k in dec)


def test_pretrain_seg_and_converted_checkpoints(pretrain_run, seg_checkpoint, tmp_path):
    random = build_feature_model(pretrain_run['config'])
    assert random.layer_names == ['stage1', 'stage2', 'stage3', 'stage4', 'decoder']
    assert random.backbone_source == random.decoder_source == 'random init'
    # pre-training layout: backbone.* / decoder.* (momentum encoder, neck, queue ignored)
    model = build_feature_model(pretrain_run['config'], pretrain_run['checkpoint'])
    _assert_loaded(model, load_checkpoint_file(pretrain_run['checkpoint'])['state_dict'],
                   'decoder.')
    # MMSeg layout, built from the segmentation config: backbone.* / decode_head.* (conv_seg
    # dropped)
    seg_sd = load_checkpoint_file(seg_checkpoint['checkpoint'])['state_dict']
    model = build_feature_model(seg_checkpoint['config'], seg_checkpoint['checkpoint'])
    _assert_loaded(model, seg_sd, 'decode_head.')
    assert not torch.equal(model.backbone.state_dict()['stem.0.weight'],
                           random.backbone.state_dict()['stem.0.weight'])
    # a converted checkpoint, into the pre-training config
    converted = str(tmp_path / 'converted.pth')
    convert_checkpoint(pretrain_run['checkpoint'], converted, verbose=False)
    model = build_feature_model(pretrain_run['config'], converted)
    _assert_loaded(model, load_checkpoint_file(pretrain_run['checkpoint'])['state_dict'],
                   'decoder.')


def test_random_init_is_seeded_and_decoder_independent(pretrain_run):
    a = build_feature_model(pretrain_run['config'])
    b = build_feature_model(pretrain_run['config'])
    nodec = build_feature_model(config_path(PRETRAIN_NODEC_CFG))
    assert nodec.layer_names == ['stage1', 'stage2', 'stage3', 'stage4']
    for k, v in a.state_dict().items():
        assert torch.equal(v, b.state_dict()[k])
    for k, v in a.backbone.state_dict().items():
        assert torch.equal(v, nodec.backbone.state_dict()[k])  # same baseline w/ and w/o dec
    assert not torch.equal(build_feature_model(pretrain_run['config'], init_seed=1)
                           .backbone.stem[0].weight, a.backbone.stem[0].weight)


def test_bad_checkpoints(pretrain_run, tmp_path):
    sd = load_checkpoint_file(pretrain_run['checkpoint'])['state_dict']
    cfg = pretrain_run['config']
    missing = {k: v for k, v in sd.items() if k != 'backbone.layer4.1.conv2.weight'}
    save_checkpoint_atomic(dict(state_dict=missing), str(tmp_path / 'missing.pth'))
    with pytest.raises(ValueError,
                       match=r'missing\.pth.*missing backbone\.layer4\.1\.conv2\.weight'):
        build_feature_model(cfg, str(tmp_path / 'missing.pth'))
    plain = {k: v for k, v in sd.items() if not k.startswith('backbone.stem.')}  # torchvision-like
    plain.update({'backbone.conv1.weight': torch.zeros(64, 3, 7, 7),
                  'backbone.bn1.weight': torch.ones(64)})
    save_checkpoint_atomic(dict(state_dict=plain), str(tmp_path / 'plain.pth'))
    with pytest.raises(ValueError, match='plain-stem'):
        build_feature_model(cfg, str(tmp_path / 'plain.pth'))
    shaped = dict(sd, **{'decoder.convs.0.conv.weight': torch.zeros(3, 3, 3, 3)})
    save_checkpoint_atomic(dict(state_dict=shaped), str(tmp_path / 'shape.pth'))
    with pytest.raises(ValueError, match=r'decoder\.convs\.0\.conv\.weight has shape'):
        build_feature_model(cfg, str(tmp_path / 'shape.pth'))
    with pytest.raises(FileNotFoundError):
        build_feature_model(cfg, str(tmp_path / 'nothing.pth'))


def test_extract_features_matches_direct_computation(pretrain_run, toy_root, tmp_path):
    images = find_labelled_images(toy_root, 'val')
    samples = sample_pixels(images.read_label, len(images), len(images.class_names), 15, seed=0)
    model = build_feature_model(pretrain_run['config'], pretrain_run['checkpoint'])
    feats = extract_features(model, images, samples, ['stage1', 'decoder'])
    assert feats['stage1'].shape == (len(samples), 64)
    assert feats['decoder'].shape == (len(samples), 256)
    # independent: normalise by hand, run backbone and decoder, upsample the whole map, index it
    i = int(samples.image_index[0])
    rows = np.flatnonzero(samples.image_index == i)
    img = images.read_image(i)[..., ::-1].astype(np.float32)  # BGR -> RGB
    x = torch.from_numpy((img - [123.675, 116.28, 103.53]) / [58.395, 57.12, 57.375]).float()
    with torch.no_grad():
        outs = model.backbone(x.permute(2, 0, 1)[None])
        dec = model.decoder._forward_feature(list(outs))
    for name, fmap in (('stage1', outs[0]), ('decoder', dec)):
        full = F.interpolate(fmap, img.shape[:2], mode='bilinear', align_corners=False)[0]
        ref = full[:, samples.yx[rows, 0], samples.yx[rows, 1]].t().numpy()
        assert np.allclose(feats[name][rows], ref, atol=1e-4)
    # npz round trip
    path = save_features(str(tmp_path / 'f.npz'), feats['decoder'], samples, images, 'decoder',
                         pretrain_run['checkpoint'], pretrain_run['config'], 0)
    data = load_features(path)
    assert np.array_equal(data['features'], feats['decoder'])
    assert np.array_equal(data['labels'], samples.labels)
    assert data['class_names'] == list(images.class_names) and data['layer'] == 'decoder'
    assert data['checkpoint'] == pretrain_run['checkpoint']
    np.savez(str(tmp_path / 'bad.npz'), features=feats['decoder'])
    with pytest.raises(KeyError, match="bad.npz.*'labels'"):
        load_features(str(tmp_path / 'bad.npz'))


def test_decoder_of_a_checkpoint_without_one_is_refused(pretrain_run, toy_root, tmp_path):
    sd = load_checkpoint_file(pretrain_run['checkpoint'])['state_dict']
    path = str(tmp_path / 'backbone_only.pth')
    save_checkpoint_atomic(dict(state_dict={k: v for k, v in sd.items()
                                            if k.startswith('backbone.')}), path)
    model = build_feature_model(pretrain_run['config'], path)
    assert model.decoder_source == 'random init' and model.backbone_source == path
    images = find_labelled_images(toy_root, 'val', max_images=1)
    samples = sample_pixels(images.read_label, 1, 6, 3)
    assert extract_features(model, images, samples, ['stage4'])['stage4'].shape[1] == 512
    with pytest.raises(ValueError, match='no decoder weights'):
        extract_features(model, images, samples, ['decoder'])
    nodec = build_feature_model(config_path(PRETRAIN_NODEC_CFG))
    with pytest.raises(ValueError, match='no decoder'):
        extract_features(nodec, images, samples, ['decoder'])
