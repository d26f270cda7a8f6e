"""benchmarks/speed.py: the ResNet-50 variant widens every part that reads the backbone."""
import pytest
import torch
from mmengine.registry import init_default_scope

from tests.conftest import load_config, load_tool


@pytest.mark.parametrize('config', [
    'selfsup/p2vec/p2vec_r18-d8-mocofcn_1xb8-300i_toyscenes.py',  # word_neck reads the backbone
    'selfsup/plmoco/plmoco_r18-d8_1xb8-300i_toyscenes.py',  # neck reads the backbone
    'selfsup/plmoco/plmoco_r18-d8-dlv3p_1xb8-300i_toyscenes.py',  # the decoder reads stage 1 too
])
def test_widen_for_r50_builds_a_consistent_model(config):
    speed = load_tool('speed', folder='benchmarks')
    cfg = load_config(config)
    speed.widen_for_r50(cfg.model)
    assert cfg.model.backbone.depth == 50
    init_default_scope('mmselfsup')
    from mmselfsup.registry import MODELS
    model = MODELS.build(cfg.model)
    feats = model.backbone(torch.zeros(1, 3, 64, 64))
    assert feats[-1].shape[1] == 2048
    for name in ('decoder', 'neck', 'word_neck'):
        part = getattr(model, name, None)
        if part is not None:
            first = next(m for m in part.modules() if isinstance(m, torch.nn.Conv2d))
            want = (2048, 256)
            if name == 'neck' and getattr(model, 'decoder', None) is not None:
                want = (model.decoder.channels, )  # the projector reads the decoder
            assert first.in_channels in want, (name, first.in_channels)
    if hasattr(getattr(model, 'decoder', None), 'c1_bottleneck'):  # DeepLabv3+'s stage-1 skip
        assert feats[0].shape[1] == 256
        assert model.decoder.c1_bottleneck.conv.in_channels == 256
    if getattr(model, 'word_neck', None) is not None:
        first = next(m for m in model.word_neck.modules() if isinstance(m, torch.nn.Conv2d))
        assert first.in_channels == 2048


def test_default_configs_include_the_new_decoders_and_encoder_lr_variants():
    speed = load_tool('speed', folder='benchmarks')
    configs = speed.default_configs()
    for method in ('plmoco', 'mocodec'):
        for decoder in ('dlv3p', 'nl', 'psp256'):
            assert f'configs/selfsup/{method}/{method}_r18-d8-{decoder}_1xb8-300i_toyscenes.py' \
                in configs
    for method, folder in (('edmoco', 'mocodec'), ('pledmoco', 'plmoco')):
        assert f'configs/selfsup/{folder}/{method}_r18-d8-mocofcn_1xb8-300i_toyscenes.py' \
            in configs
    # neither the CamVid nor the ViT/16 configs, nor MMSelfSup's methods beside the references
    assert not [c for c in configs if c.endswith('_camvid.py') or '_vit-t16' in c
                or '_vit-s16' in c or '_vit-b16' in c]
    assert 'configs/selfsup/plmoco/plmoco_vit-t16_1xb8-300i_toyscenes.py' not in configs
    assert speed.MOCOV2 in configs and speed.DENSECL in configs
    assert not [c for c in configs if c.split('/')[2] in ('mocov1', 'simclr', 'byol', 'simsiam')]
    assert 'configs/selfsup/mocov2/mocov2_r50b-d8_1xb16-20e_voc12aug_from-mocov2.py' not in configs


def _row(config, ms):
    return dict(config=config, median_s=ms / 1000, peak_mb=100., params_m=1., type='X')


def test_target_verdicts_compare_the_issue_pairs():
    speed = load_tool('speed', folder='benchmarks')
    (plmoco, densecl, _), (plmoco_dec, mocodec, _) = speed.TARGETS
    rows = [_row(densecl, 300), _row(plmoco, 330), _row(mocodec, 400), _row(plmoco_dec, 440)]
    lines = speed.target_verdicts(rows)
    # 330 / 300 = 1.10 > 1.00: missed by 10%; 440 / 400 = 1.10 <= 1.15: met
    assert '= 1.10 (target <= 1.00: missed by 10%)' in lines[0]
    assert '= 1.10 (target <= 1.15: met)' in lines[1]
    failed = [dict(config=plmoco, error=['boom'])] + rows[:1]
    assert speed.target_verdicts(failed)[0].endswith('not measured in this run.')


def test_aggregate_keeps_the_fastest_run_and_every_time():
    speed = load_tool('speed', folder='benchmarks')
    a, b = 'configs/selfsup/a.py', 'configs/selfsup/b.py'
    runs = [_row(speed.MOCOV2, 200), _row(speed.DENSECL, 250), _row(a, 330),
            dict(config=b, error=['boom']), _row(speed.MOCOV2, 240), _row(speed.DENSECL, 260),
            _row(a, 300), dict(config=b, error=['boom again']), _row(speed.MOCOV2, 220),
            _row(speed.DENSECL, 255)]
    rows = speed.aggregate(runs)
    assert [r['config'] for r in rows] == [speed.MOCOV2, speed.DENSECL, a, b]
    assert rows[0]['median_s'] == 0.2 and rows[0]['runs_s'] == [0.2, 0.24, 0.22]
    assert rows[2]['median_s'] == 0.3 and rows[2]['runs_s'] == [0.33, 0.3]
    assert rows[3]['error'] == ['boom again']


def test_reference_spread_reports_every_run():
    speed = load_tool('speed', folder='benchmarks')
    a, c = 'configs/selfsup/a.py', 'configs/selfsup/c.py'
    rows = speed.aggregate([_row(speed.MOCOV2, 200), _row(speed.DENSECL, 250), _row(a, 300),
                            _row(c, 400), _row(speed.MOCOV2, 240), _row(a, 330), _row(c, 400)])
    lines = speed.reference_spread(rows)
    assert len(lines) == 2  # DenseCL ran once: no spread for it
    assert '200, 240 ms (20% apart)' in lines[0]
    # a: 330 / 300 = 10% apart, c: 0%; median 5%, at most 10%
    assert 'lie 5% apart (median over 2), at most 10%' in lines[1]


def test_variants_and_view_size():
    speed = load_tool('speed', folder='benchmarks')
    path, opts = speed.split_variant('configs/a.py@model.num_batch_negatives=None;model.x=3;m.y=z')
    assert path == 'configs/a.py'
    assert opts == {'model.num_batch_negatives': None, 'model.x': 3, 'm.y': 'z'}
    assert speed.split_variant('configs/a.py') == ('configs/a.py', {})
    assert speed._stem('configs/a.py@model.x=3') == 'a (model.x=3)'
    pipeline = load_config('selfsup/plmoco/plmoco_r18-d8_1xb8-300i_toyscenes.py') \
        .train_dataloader.dataset.pipeline
    assert speed.set_view_size(pipeline, 224) == 1
    assert pipeline[1]['transforms'][0][0]['size'] == 224


def test_scaling_verdicts_judge_time_memory_and_growth():
    speed = load_tool('speed', folder='benchmarks')

    def row(config, ms, mb):
        return dict(config=config, median_s=ms / 1000, peak_mb=mb)

    rows = {16: [row(speed.PLMOCO, 500, 1000), row(speed.PLMOCO_DEC, 600, 1000)],
            32: [row(speed.DENSECL, 1000, 2000), row(speed.PLMOCO, 1050, 2500),
                 row(speed.MOCODEC, 1000, 2000), row(speed.PLMOCO_DEC, 1200, 2100)]}
    lines = speed.scaling_verdicts(rows)
    assert lines[0].endswith('time at batch 32 = 1.05 (target <= 1.10: met).')
    assert lines[1].endswith('memory at batch 32 = 1.25 (target <= 1.20: missed by 4%).')
    assert lines[2].endswith('time at batch 32 = 1.20 (target <= 1.15: missed by 4%).')
    assert lines[3].endswith('batch 32 / batch 16 = 2.50 (target <= 2.20: missed by 14%).')
    assert lines[4].endswith('batch 32 / batch 16 = 2.10 (target <= 2.20: met).')
    del rows[16]
    assert speed.scaling_verdicts(rows)[3].endswith('not measured in this run.')


def test_backbone_names_and_reference_labels():
    """Tables name the backbones they measured (a ViT run is not titled ResNet-18) and, with other
    references than MMSelfSup's two (e.g. MoCo on the same ViT), name those in the columns."""
    speed = load_tool('speed', folder='benchmarks')
    mocov2 = load_config(speed.MOCOV2[len('configs/'):])
    assert speed.backbone_name(mocov2.model.backbone) == 'ResNet-18'
    vit = 'selfsup/plmoco/plmoco_vit-s16_1xb16-120i_camvid.py'
    assert speed.backbone_name(load_config(vit).model.backbone) == 'ViT-S/16'
    tiny = 'selfsup/plmoco/plmoco_vit-t16_1xb8-300i_toyscenes.py'
    assert speed.backbone_name(load_config(tiny).model.backbone) == 'ViT-T/16'
    assert speed.reference_labels((speed.MOCOV2, speed.DENSECL)) == ('MoCo v2', 'DenseCL')
    moco_vit = 'configs/selfsup/mocodec/mocodec_vit-s16_1xb16-120i_camvid.py'
    labels = speed.reference_labels((moco_vit, speed.DENSECL))
    assert labels == ('mocodec_vit-s16_1xb16-120i_camvid', 'densecl_r18-d8_1xb8-300i_toyscenes')
    rows = {(16, 'off'): [dict(config=moco_vit, median_s=2.0, peak_mb=100.0),
                          dict(config=speed.DENSECL, median_s=1.0, peak_mb=50.0),
                          dict(config='configs/' + vit, median_s=3.0, peak_mb=150.0)]}
    lines = speed.scaling_table(rows, (moco_vit, speed.DENSECL), None)
    assert '| x mocodec_vit-s16_1xb16-120i_camvid |' in lines[0]
    assert lines[-1].split(' | ')[5:7] == ['1.50', '3.00']
