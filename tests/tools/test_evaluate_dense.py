"""tools/evaluate_dense.py: one command writes the suite table (Markdown + JSON) for a random-init
ResNet-18 on the toy scenes, a rerun resumes from the records, and bad input fails clearly."""
import json
import os.path as osp

import pytest

from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
from tests.conftest import load_tool


def _args(toy, work, *extra):
    return ['random:r18', '--suite', 'toy', '--data-root', f'toy={toy}', '--work-dir', work,
            '--seeds', '2', '--over-ks', '12', '--img-scale', '64', '96', '--label-scale', '32',
            '48', '--probe-max-iter', '20', '--hbird-bank-sizes', '100', '--dinov2-iters', '4',
            '--dinov2-batch-size', '4', '--dinov2-crop-size', '32', '32', *extra]


def test_table_and_resume(tmp_path):
    toy = make_toy_scenes(str(tmp_path / 'toy'), {'train': 6, 'val': 4}, seed=1)
    tool = load_tool('evaluate_dense')
    work = str(tmp_path / 'dense')
    out = tool.main(_args(toy, work))
    with open(osp.join(work, 'random-init', 'dense_suite.json')) as f:
        table = json.load(f)
    assert table['seeds'] == [0, 1] and table['rows'] == out['table']
    columns = {r['column'] for r in table['rows']}
    assert {'kNN (decoder)', 'K-means (decoder)', 'K-means K12 (decoder)', 'LP-convex (decoder)',
            'retrieval (decoder)', 'Hummingbird (decoder)', 'LP-DINOv2 linear (decoder)',
            'features (train)', 'features (val)'} == columns
    knn = next(r for r in table['rows'] if r['column'] == 'kNN (decoder)')
    assert knn['seeds'] == 2 and knn['img_scale'] == [64, 96] and knn['settings']['knn_k'] == 20
    assert osp.isfile(osp.join(work, 'random-init', 'dense_suite.md'))
    # 13 records: 6 protocols x 2 seeds + K=12 x 2 seeds - 1 (retrieval runs once)
    assert len(out['records']) == 13
    again = tool.main(_args(toy, work, '--protocols', 'knn'))
    assert [r['created'] for r in again['records']] == [
        r['created'] for r in out['records'] if r['protocol'] == 'knn']


def test_bad_input(tmp_path, capsys):
    tool = load_tool('evaluate_dense')
    with pytest.raises(FileNotFoundError, match='--data-root ade20k=PATH'):
        tool.main(['none', '--suite', 'ade20k', '--work-dir', str(tmp_path)])
    with pytest.raises(SystemExit):
        tool.parse_args(['none', '--data-root', 'toy'])
    assert 'NAME=PATH' in capsys.readouterr().err
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        tool.main(['missing.pth', '--suite', 'toy', '--work-dir', str(tmp_path)])


def test_dinov2_variants_from_the_command(tmp_path):
    toy = make_toy_scenes(str(tmp_path / 'toy'), {'train': 6, 'val': 4}, seed=1)
    tool = load_tool('evaluate_dense')
    out = tool.main(_args(toy, str(tmp_path / 'dense'), '--protocols', 'lp-dinov2', '--layers',
                          'backbone.layer4', '--dinov2-variants', 'linear', 'linear4+ms'))
    assert [r['variant'] for r in out['records']] == ['linear', 'linear', 'linear4+ms',
                                                      'linear4+ms']
    assert [r['column'] for r in out['table'] if r['protocol'] == 'lp-dinov2'] == [
        'LP-DINOv2 linear (stage4)', 'LP-DINOv2 linear4 (stage4)', 'LP-DINOv2 linear4+ms (stage4)']
    with pytest.raises(SystemExit):
        tool.parse_args(['none', '--dinov2-variants', 'linear8'])
