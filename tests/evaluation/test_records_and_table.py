"""Frozen-protocol records: their layout, and their columns in the results table."""
import json

import pytest

from ssl4dp_mm.analysis.results_table import build_tables, column_order, render_markdown
from ssl4dp_mm.evaluation import column_name, record_path, write_record


def test_record_layout_and_columns(tmp_path):
    path = record_path(str(tmp_path), 'PLMoCo w/dec', 'mocofcn', 'r18-d8', 'toy', 'kmeans',
                       'decoder', 0, over=2)
    assert path.endswith('PLMoCo_w_dec/mocofcn_r18-d8_toy/kmeans2x-decoder/seed0/eval_result.json')
    rec = write_record(path, dict(mIoU=40.0, over=2), name='PLMoCo w/dec', head='mocofcn',
                       backbone='r18-d8', dataset='toy', protocol='kmeans', layer='decoder',
                       seed=0)
    assert rec['column'] == 'K-means 2x (decoder)' and rec['metric'] == 'mIoU'
    assert json.load(open(path))['mIoU'] == 40.0
    with pytest.raises(KeyError, match="'mAP'"):
        write_record(str(tmp_path / 'x.json'), dict(mIoU=1.0), name='a', head='h', backbone='b',
                     dataset='d', protocol='svm', layer='stage4', seed=0)


def test_table_orders_frozen_columns_and_reads_their_metric():
    base = dict(name='X', head='mocofcn', backbone='r18-d8', dataset='toy', _path='p')
    recs = [dict(base, column=c, seed=0, mIoU=v) for c, v in
            [('FT-10%', 1.0), ('LP-100%', 2.0), ('FT-100%', 3.0), ('kNN (decoder)', 4.0),
             ('K-means 3x (decoder)', 6.0), ('K-means (decoder)', 5.0),
             ('LP-convex (decoder)', 2.5), ('retrieval (decoder)', 3.5)]]
    recs.append(dict(base, column='SVM mAP (stage4)', seed=0, metric='mAP', mAP=70.0))
    table = build_tables(recs)[('mocofcn', 'r18-d8', 'toy')]
    assert table['columns'] == ['FT-10%', 'LP-100%', 'LP-convex (decoder)', 'FT-100%',
                                'retrieval (decoder)', 'kNN (decoder)', 'K-means (decoder)',
                                'K-means 3x (decoder)', 'SVM mAP (stage4)']
    assert table['cells'][('X', 'SVM mAP (stage4)')]['mean'] == 70.0
    md = render_markdown(build_tables(recs))
    assert 'SVM columns: mAP (%)' in md
    assert '| X | 1.00 | 2.00 | 2.50 | 3.00 | 3.50 | 4.00 | 5.00 | 6.00 | 70.00 |' in md
    assert column_order('FT-1%') < column_order('FT-10%') < column_order('LP-100%')
    assert column_name('lp-convex', 'stage4') == 'LP-convex (stage4)'
