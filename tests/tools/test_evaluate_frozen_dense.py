"""tools/evaluate_frozen.py's opt-in dense protocols on the toy scenes: Hummingbird records its
bank-size sweep and settings, the DINOv2 probe reads the four ResNet stages (linear4) or the
multi-scale test (linear+ms); both appear as results-table columns."""
import json
import os.path as osp

import pytest

from tests.conftest import config_path, load_tool

CFG = config_path('seg/mocofcn/mocofcn_r18-d8_lp-300i_toyscenes.py')


@pytest.fixture(scope='module')
def toy(tmp_path_factory):
    from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
    return make_toy_scenes(str(tmp_path_factory.mktemp('toy')), {'train': 8, 'val': 4}, seed=1)


def test_hummingbird_and_dinov2_probe_records(toy, tmp_path):
    tool = load_tool('evaluate_frozen')
    work = str(tmp_path / 'eval')
    base = ['none', '--dataset', 'toy', '--data-root', toy, '--work-dir', work, '--config', CFG,
            '--layers', 'backbone.layer4', '--dinov2-iters', '4', '--dinov2-batch-size', '4',
            '--dinov2-crop-size', '64', '64']
    recs = tool.main(base + ['--protocols', 'hummingbird', 'lp-dinov2', '--dinov2-layers',
                             'last4', '--hbird-bank-sizes', '100', '1000', '--hbird-epochs', '2'])
    by_column = {r['column']: r for r in recs}
    assert set(by_column) == {'Hummingbird (stage4)', 'LP-DINOv2 linear4 (stage4)'}
    hb = by_column['Hummingbird (stage4)']
    assert [s['bank_size'] for s in hb['sweep']] == [100, 1000] and hb['bank_size'] == 1000
    assert hb['mIoU'] == hb['sweep'][-1]['mIoU'] and 0 <= hb['mIoU'] <= 100
    assert hb['crop_size'] == [96, 128] and hb['mask_size'] == [96, 128] and hb['epochs'] == 2
    assert hb['k'] == 30 and hb['temperature'] == 0.02 and hb['feature_grid'] == [12, 16]
    assert hb['total_entries'] == 2 * 8 * 12 * 16  # every cell of every crop is labelled
    probe = by_column['LP-DINOv2 linear4 (stage4)']
    assert probe['layers'] == ['stage1', 'stage2', 'stage3', 'stage4']
    assert probe['channels'] == 64 + 128 + 256 + 512 and probe['iterations'] == 4
    assert osp.isfile(osp.join(work, 'random_init', 'mocofcn_r18-d8_toy',
                               'lp-dinov2-linear4-stage4', 'seed0', 'eval_result.json'))
    ms = tool.main(base + ['--protocols', 'lp-dinov2', '--dinov2-multiscale', '--dinov2-scales',
                           '1.0', '1.5'])[0]
    assert ms['column'] == 'LP-DINOv2 linear+ms (stage4)' and ms['scales'] == [1.0, 1.5]
    assert 0 <= ms['mIoU'] <= 100 and 0 <= ms['mIoU_single_scale'] <= 100
    saved = json.load(open(osp.join(work, 'random_init', 'mocofcn_r18-d8_toy',
                                    'hummingbird-stage4', 'seed0', 'eval_result.json')))
    assert saved['sweep'] == hb['sweep']
    table = load_tool('analysis/results_table').main([work])[('mocofcn', 'r18-d8', 'toy')]
    assert {'Hummingbird (stage4)', 'LP-DINOv2 linear4 (stage4)',
            'LP-DINOv2 linear+ms (stage4)'} <= set(table['columns'])
