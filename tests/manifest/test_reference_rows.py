"""The reference rows of the manifest: ids that resolve, labels and heads as the reports' tables
print them, iterations that agree with the cost record and the leaf configs."""
import json
import os.path as osp

import pytest
from mmengine.config import Config

from ssl4dp_mm.manifest import (METHODS, all_pretrain_rows, protocol_iters, reference_row,
                                reference_rows)
from tests.conftest import ROOT, seg_file

# the reports' rows of one dataset, in table order (docs/reproduce.md before it was generated,
# plus the three patch rotation rows)
REPORT_LABELS = [
    'MoCo (image level, no decoder)', 'MoCo w/dec (MoCoFCN)', 'MoCo w/dec (PSPNet)',
    'MoCo w/dec (DeepLabv3)', 'PLMoCo w/o dec', 'PLMoCo w/dec (MoCoFCN)', 'PLMoCo w/dec (PSPNet)',
    'PLMoCo w/dec (DeepLabv3)', 'PLMoCo+ w/o dec', 'PLMoCo+ w/dec (MoCoFCN)',
    'PLMoCo+ w/dec (PSPNet)', 'PLMoCo+ w/dec (DeepLabv3)', 'PLSiam w/dec (MoCoFCN)',
    'PLSiam w/dec (PSPNet)', 'PLSiam w/dec (DeepLabv3)', 'P2Vec w/dec (MoCoFCN)',
    'P2Vec w/dec (PSPNet)', 'P2Vec w/dec (DeepLabv3)', 'PRCL w/dec (MoCoFCN)',
    'PRCL w/dec (PSPNet)', 'PRCL w/dec (DeepLabv3)', 'Patch rotation w/dec (MoCoFCN)',
    'Patch rotation w/dec (PSPNet)', 'Patch rotation w/dec (DeepLabv3)', 'RLMoCo w/o dec',
    'RLMoCo w/dec (MoCoFCN)', 'DetCon-S w/o dec', 'DetCon-S w/dec (MoCoFCN)', 'DetCon-B w/o dec',
    'DetCon-B w/dec (MoCoFCN)', 'Exemplar-v2 w/o dec', 'Exemplar-v2 w/dec (MoCoFCN)',
    'MoCo + multi-crop/AutoAugment/kNN w/o dec',
    'MoCo + multi-crop/AutoAugment/kNN w/dec (MoCoFCN)', 'MoCo v2 (MMSelfSup)',
    'DenseCL (MMSelfSup)'
]


def test_every_row_id_is_unique_and_resolves():
    rows = reference_rows()
    assert len(rows) == len(all_pretrain_rows()) == 148
    assert len({r.id for r in rows}) == len(rows)
    for row in rows:
        assert reference_row(row.id) == row
    assert reference_row('voc/plmoco-mocofcn').config == (
        'configs/selfsup/plmoco/plmoco_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py')
    assert reference_row('cityscapes/mocodec').decoder is None


@pytest.mark.parametrize('dataset', ['voc', 'cityscapes'])
def test_report_rows_are_the_reports_tables(dataset):
    rows = [r for r in reference_rows(reported=True) if r.dataset == dataset]
    assert [r.label for r in rows] == REPORT_LABELS
    extra = [r for r in reference_rows(reported=False) if r.dataset == dataset]
    assert len(rows) + len(extra) == len(all_pretrain_rows()) // 2
    assert {r.method for r in extra if r.decoder in (None, 'mocofcn', 'psp', 'aspp')} == {
        'edmoco', 'pledmoco'}


def test_eval_heads_and_protocols():
    for row in reference_rows():
        if row.decoder:
            assert row.eval_heads == (row.decoder, )
            assert row.eval_protocols == ('ft10', 'lp', 'ft100')
        else:
            assert row.eval_heads == ('mocofcn', 'psp', 'aspp')
            assert row.eval_protocols == ('ft10', 'ft100')
        for head in row.eval_heads:
            for protocol in row.eval_protocols:
                assert osp.isfile(seg_file(head, 'r50b-d8', protocol, row.dataset))


def test_pretrain_iterations_agree_with_the_cost_record():
    with open(osp.join(ROOT, 'benchmarks', 'results', 'reference_cost.json')) as f:
        record = json.load(f)
    assert reference_row('voc/plmoco-mocofcn').iters == record['voc_iters'] == 20 * 661
    assert reference_row('cityscapes/plmoco').iters == record['city_iters'] == 20 * 185
    assert reference_row('cityscapes/plmocoplus-psp').iters == 50 * 185
    assert reference_row('voc/plmocoplus-psp').iters == 20 * 661
    assert reference_row('voc/plr-aspp').checkpoint.endswith('/iter_13220.pth')


@pytest.mark.parametrize('dataset', ['voc', 'cityscapes'])
def test_protocol_iterations_are_the_leaves(dataset):
    for protocol in ('ft10', 'lp', 'ft100'):
        cfg = Config.fromfile(seg_file('mocofcn', 'r50b-d8', protocol, dataset))
        assert protocol_iters(protocol, dataset) == cfg.train_cfg.max_iters
    assert protocol_iters('lp', 'toy') == 300


@pytest.mark.parametrize('row_id,words', [
    ('voc/plmoco-foo', ["'voc/plmoco-foo'", 'foo', 'mocofcn']),
    ('voc/nosuch', ["'voc/nosuch'", "unknown method 'nosuch'"]),
    ('ade20k/plmoco', ["'ade20k/plmoco'", 'voc, cityscapes']),
    ('voc/plsiam', ["'voc/plsiam'", '(w/o dec)']),  # PLSiam has no w/o dec row
    ('plmoco', ["'plmoco'", '<dataset>/<method>']),
])
def test_bad_row_ids_are_named(row_id, words):
    with pytest.raises(KeyError) as err:
        reference_row(row_id)
    for word in words:
        assert word in err.value.args[0]


def test_plr_is_a_patch_family_method_with_every_decoder():
    assert METHODS['plr'].decoders == METHODS['plsiam'].decoders
    assert METHODS['plr'].folder == 'plr' and METHODS['plr'].reported
