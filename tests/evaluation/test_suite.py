"""The dense suite end to end on toy scenes and the generated ADE20K / COCO-Stuff-27 copies for a
random-init ResNet-18 at tiny sizes: every protocol records, the table's mean ± std is that of the
records, and a second run skips every recorded protocol without building the model."""
import json
import os.path as osp

import numpy as np
import pytest

from ssl4dp_mm.datasets.reference_layouts_ade_coco import make_ade20k, make_cocostuff
from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
from ssl4dp_mm.evaluation import suite
from ssl4dp_mm.evaluation.run import FrozenOptions

OPTS = FrozenOptions(knn_k=5, kmeans_n_init=1, probe_max_iter=20, hbird_bank_sizes=(100, 500),
                     dinov2_iters=4, dinov2_batch_size=4, dinov2_crop_size=(32, 32))


@pytest.fixture(scope='module')
def roots(tmp_path_factory):
    base = str(tmp_path_factory.mktemp('data'))
    return dict(toy=make_toy_scenes(osp.join(base, 'toy'), {'train': 6, 'val': 4}, seed=1),
                ade20k=make_ade20k(base, {'training': 6, 'validation': 4}),
                cocostuff27=make_cocostuff(base, {'train2017': 6, 'val2017': 4}))


def test_suite_end_to_end_and_resume(roots, tmp_path, monkeypatch):
    work = str(tmp_path / 'dense')
    kwargs = dict(data_roots=roots, seeds=(0, 1), opts=OPTS, over_ks=(12, 40),
                  img_scale=(64, 96), label_scale=(32, 48), log=lambda s: None)
    out = suite.run_suite('random:r18', list(roots), work, **kwargs)
    records = out['records']
    for dataset in roots:
        protocols = {r['protocol'] for r in records if r['dataset'] == dataset}
        assert protocols == set(suite.SUITE_PROTOCOLS), dataset
    # toy (6 classes): K=12 and K=40 run; COCO-Stuff (27): K=40 only; ADE20K (150): neither
    cols = {(r['dataset'], r['column']) for r in records}
    assert {('toy', 'K-means K12 (decoder)'), ('toy', 'K-means K40 (decoder)'),
            ('cocostuff27', 'K-means K40 (decoder)')} <= cols
    assert ('ade20k', 'K-means K40 (decoder)') not in cols
    assert {(e['dataset'], e['column']) for e in out['not_run']} == {
        ('ade20k', 'K-means K12 (decoder)'), ('ade20k', 'K-means K40 (decoder)'),
        ('cocostuff27', 'K-means K12 (decoder)')}
    ade_km = next(r for r in records if r['dataset'] == 'ade20k' and r['protocol'] == 'kmeans')
    assert ade_km['num_clusters'] == 150 and ade_km['wall_s'] >= 0
    # mean ± std over the seeds (retrieval: one seed, no std)
    rows = {(r['dataset'], r['column']): r for r in out['table']}
    lp = [r['mIoU'] for r in records if r['dataset'] == 'toy' and r['protocol'] == 'lp-convex']
    row = rows[('toy', 'LP-convex (decoder)')]
    assert row['seeds'] == 2 and row['mean'] == pytest.approx(np.mean(lp))
    assert row['std'] == pytest.approx(np.std(lp, ddof=1))
    assert rows[('toy', 'retrieval (decoder)')]['std'] is None
    hb = rows[('cocostuff27', 'Hummingbird (decoder) bank 100')]
    assert hb['settings']['bank_size'] == 100 and hb['settings']['hbird_crop_size'] == [64, 96]
    assert rows[('ade20k', 'features (train)')]['wall_s'] > 0
    with open(out['paths']['json']) as f:
        assert len(json.load(f)['rows']) == len(out['table'])
    with open(out['paths']['markdown']) as f:
        text = f.read()
    assert '| toy | LP-convex (decoder) | ' in text and '±' in text and 'Not run:' in text

    def no_model(*args, **kwargs):
        raise AssertionError('the model was built although every protocol has a record')
    monkeypatch.setattr('ssl4dp_mm.features.feature_model.build_feature_model', no_model)
    again = suite.run_suite('random:r18', list(roots), work, **kwargs)
    assert sorted(r['created'] for r in again['records']) == sorted(r['created'] for r in records)
    assert again['table'] == out['table'] and again['not_run'] == out['not_run']


def test_bad_inputs(roots, tmp_path):
    with pytest.raises(FileNotFoundError, match='--data-root ade20k=PATH'):
        suite.prepare_run('ade20k', None, 'x', str(tmp_path))
    with pytest.raises(KeyError, match='unknown suite dataset'):
        suite.prepare_run('imagenet', None, 'x', str(tmp_path))
    with pytest.raises(ValueError, match='random init knows'):
        suite.random_init('random:vit-h')
    with pytest.raises(KeyError, match='svm'):
        suite.run_suite('none', ['toy'], str(tmp_path), data_roots=dict(toy=roots['toy']),
                        protocols=['svm'])


def test_a_record_made_with_other_settings_is_refused(roots, tmp_path):
    from dataclasses import replace
    work = str(tmp_path / 'dense')
    kwargs = dict(data_roots={'toy': roots['toy']}, protocols=['lp-dinov2'], seeds=(0, ),
                  img_scale=(64, 96), label_scale=(32, 48), log=lambda s: None)
    first = suite.run_suite('random:r18', ['toy'], work, opts=OPTS, **kwargs)
    path = first['records'][0]
    assert path['settings']['dinov2_iters'] == 4
    with pytest.raises(ValueError, match=r'lp-dinov2.*was recorded with dinov2_iters=4 '
                       r'\(asked: 5\): rerun with --force'):
        suite.run_suite('random:r18', ['toy'], work, opts=replace(OPTS, dinov2_iters=5), **kwargs)
    again = suite.run_suite('random:r18', ['toy'], work, opts=replace(OPTS, dinov2_iters=5),
                            force=True, **kwargs)
    assert again['records'][0]['settings']['dinov2_iters'] == 5


def test_dinov2_probe_variants(roots, tmp_path):
    """linear and linear4+ms side by side: the linear record is the one the suite makes alone,
    the '+ms' record reads the four stages and its single-scale score (its own table row) is the
    linear4 probe's with the same seed."""
    from dataclasses import replace
    kwargs = dict(data_roots={'toy': roots['toy']}, protocols=['lp-dinov2'], seeds=(0, ),
                  layers=('backbone.layer4', ), img_scale=(64, 96), label_scale=(32, 48),
                  log=lambda s: None)
    opts = replace(OPTS, dinov2_variants=('linear', 'linear4+ms'), dinov2_scales=(1.0, 1.5))
    out = suite.run_suite('random:r18', ['toy'], str(tmp_path / 'both'), opts=opts, **kwargs)
    recs = {r['variant']: r for r in out['records']}
    assert set(recs) == {'linear', 'linear4+ms'}
    assert recs['linear']['layers'] == ['stage4'] and len(recs['linear4+ms']['layers']) == 4
    assert recs['linear4+ms']['settings']['dinov2_layers'] == 'last4'
    assert recs['linear4+ms']['settings']['dinov2_multiscale'] is True
    rows = {r['column']: r for r in out['table']}
    single = rows['LP-DINOv2 linear4 (stage4)']
    assert single['mean'] == pytest.approx(recs['linear4+ms']['mIoU_single_scale'])
    assert single['settings']['dinov2_multiscale'] is False
    assert rows['LP-DINOv2 linear4+ms (stage4)']['mean'] == pytest.approx(
        recs['linear4+ms']['mIoU'])
    alone = suite.run_suite('random:r18', ['toy'], str(tmp_path / 'alone'), opts=OPTS,
                            **kwargs)['records'][0]
    assert alone['variant'] == 'linear' and alone['mIoU'] == pytest.approx(recs['linear']['mIoU'])
    four = suite.run_suite('random:r18', ['toy'], str(tmp_path / 'four'),
                           opts=replace(opts, dinov2_variants=('linear4', 'linear4+ms')),
                           **kwargs)
    assert four['records'][0]['variant'] == 'linear4'
    assert four['records'][0]['mIoU'] == pytest.approx(recs['linear4+ms']['mIoU_single_scale'])
    # a linear4 record of its own: no second single-scale row
    assert [r['column'] for r in four['table'] if r['protocol'] == 'lp-dinov2'] == [
        'LP-DINOv2 linear4 (stage4)', 'LP-DINOv2 linear4+ms (stage4)']
    with pytest.raises(ValueError, match="'linear8'"):
        suite.run_suite('random:r18', ['toy'], str(tmp_path / 'bad'),
                        opts=replace(OPTS, dinov2_variants=('linear8', )), **kwargs)
