"""GPU hours of the reference rows against the cost record, computed here by hand."""
import json
import os.path as osp

import pytest

from ssl4dp_mm.manifest import reference_row
from ssl4dp_mm.manifest.cost import COST_RECORD, load_cost, row_cost, seg_hours
from tests.conftest import ROOT


@pytest.fixture(scope='module')
def record():
    return load_cost(osp.join(ROOT, COST_RECORD))


def _flops(record, stem):
    return record['pretrain'][f'{stem}_1xb16-20e_voc12aug_from-mocov2']['flops']


def _hours(flops, iters):
    """FLOPs of the measured step x32 (112 -> 224 px, batch 2 -> 16) at 30 TFLOP/s."""
    return flops * (224 / 112) ** 2 * 16 / 2 * iters / 30e12 / 3600


def test_measured_rows(record):
    assert (record['scale'], record['args']['tflops']) == (32.0, 30.0)
    flops = _flops(record, 'mocodec_r50b-d8')
    assert row_cost(record, reference_row('voc/mocodec')).hours == pytest.approx(
        _hours(flops, 13220))
    assert str(row_cost(record, reference_row('voc/mocodec'))) == '0.30'
    assert str(row_cost(record, reference_row('cityscapes/mocodec'))) == '0.08'
    assert str(row_cost(record, reference_row('voc/plsiam-mocofcn'))) == '0.55'
    assert not row_cost(record, reference_row('voc/mocov2')).estimated


def test_estimated_rows_add_the_decoder_difference_of_the_moco_rows(record):
    # PLMoCo w/dec (PSPNet): PLMoCo w/dec (MoCoFCN) + MoCo w/dec (PSPNet) - MoCo w/dec (MoCoFCN)
    flops = (_flops(record, 'plmoco_r50b-d8-mocofcn') + _flops(record, 'mocodec_r50b-d8-psp')
             - _flops(record, 'mocodec_r50b-d8-mocofcn'))
    cost = row_cost(record, reference_row('voc/plmoco-psp'))
    assert cost.estimated and cost.hours == pytest.approx(_hours(flops, 13220))
    assert str(cost) == '~0.54'
    # DetCon-S w/o dec: its MoCoFCN row without the MoCoFCN decoder's FLOPs
    assert str(row_cost(record, reference_row('voc/detcons'))) == '~0.48'
    assert str(row_cost(record, reference_row('cityscapes/plsiam-aspp'))) == '~0.28'


def test_rows_without_a_measured_relative(record):
    for row_id in ('voc/plr-mocofcn', 'cityscapes/plmocoplus', 'voc/mocodec-dlv3p',
                   'voc/plmoco-nl'):
        cost = row_cost(record, reference_row(row_id))
        assert cost.hours is None and str(cost) == 'not measured'


def test_segmentation_hours(record):
    # benchmarks/results/reference_cost.md: mocofcn VOC 0.54 / 0.11 / 3.23, Cityscapes FT-100% 19.40
    voc = seg_hours(record, 'mocofcn', 'voc')
    assert [round(voc[p], 2) for p in ('ft10', 'lp', 'ft100')] == [0.54, 0.11, 3.23]
    assert round(seg_hours(record, 'mocofcn', 'cityscapes')['ft100'], 2) == 19.40
    ft100 = record['seg']['mocofcn_ft100']['flops'] * (512 / 128) ** 2 * 8  # batch 2 -> 16
    assert voc['ft100'] == pytest.approx(ft100 * 30000 / 30e12 / 3600)


def test_a_record_without_a_key_is_named(tmp_path):
    path = tmp_path / 'cost.json'
    path.write_text(json.dumps(dict(args=dict(tflops=30), pretrain={}, seg={}, seg_scale={})))
    with pytest.raises(ValueError, match=r"cost\.json: no 'scale'"):
        load_cost(str(path))
