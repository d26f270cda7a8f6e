"""tools/evaluate_frozen.py on the toy scenes: every protocol writes a record the results table
reads, runs with records are skipped, the convex probe is deterministic for a checkpoint, and a
w/o-decoder checkpoint is refused for the decoder layer."""
import json
import os.path as osp

import pytest
import torch

from ssl4dp_mm.features.feature_model import build_feature_model
from tests.conftest import config_path, load_tool

CFG = config_path('seg/mocofcn/mocofcn_r18-d8_lp-300i_toyscenes.py')


@pytest.fixture(scope='module')
def toy(tmp_path_factory):
    from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
    return make_toy_scenes(str(tmp_path_factory.mktemp('toy')), {'train': 16, 'val': 12}, seed=1)


def _args(ckpt, toy, work, *extra):
    return [ckpt, '--dataset', 'toy', '--data-root', toy, '--work-dir', work, '--config', CFG,
            '--kmeans-factors', '1', '2', '--kmeans-n-init', '1', '--probe-pixels', '32',
            '--probe-max-iter', '50', *extra]


def test_every_protocol_records_and_table(toy, tmp_path):
    tool = load_tool('evaluate_frozen')
    work = str(tmp_path / 'eval')
    recs = tool.main(_args('none', toy, work, '--layers', 'decoder'))
    columns = {r['column'] for r in recs}
    for layer in ('decoder', ):
        assert {f'LP-convex ({layer})', f'retrieval ({layer})', f'kNN ({layer})',
                f'K-means ({layer})', f'K-means 2x ({layer})', f'SVM mAP ({layer})'} <= columns
    for r in recs:
        assert 0 <= r[r['metric']] <= 100 and r['name'] == 'random init'
        tag = r['protocol'] + (f'{r["over"]}x' if r['protocol'] == 'kmeans' else '')
        assert osp.isfile(osp.join(work, 'random_init', 'mocofcn_r18-d8_toy', f'{tag}-{r["layer"]}',
                                   'seed0', 'eval_result.json'))
    tables = load_tool('analysis/results_table').main([work])
    table = tables[('mocofcn', 'r18-d8', 'toy')]
    assert 'kNN (decoder)' in table['columns'] and ('random init', 'SVM mAP (decoder)') in \
        table['cells']
    # a second call finds the records and skips
    again = tool.main(_args('none', toy, work, '--layers', 'decoder', '--protocols', 'knn'))
    assert again[0]['created'] == next(r for r in recs if r['column'] == 'kNN (decoder)')['created']


def _save_random_init(path: str, init_seed: int) -> dict:
    """The model build_feature_model(CFG, init_seed) builds, saved as a segmentation checkpoint."""
    model = build_feature_model(CFG, init_seed=init_seed)
    state = {f'backbone.{k}': v for k, v in model.backbone.state_dict().items()}
    state.update({f'decode_head.{k}': v for k, v in model.decoder.state_dict().items()})
    torch.save(dict(state_dict=state), path)
    return state


def test_checkpoint_probe_is_deterministic_and_backbone_only_refuses_decoder(toy, tmp_path):
    ckpt = str(tmp_path / 'seg.pth')
    state = _save_random_init(ckpt, 3)
    tool = load_tool('evaluate_frozen')
    work = str(tmp_path / 'eval')
    a = tool.main(_args(ckpt, toy, work, '--protocols', 'lp-convex', '--name', 'ckpt'))
    b = tool.main(_args(ckpt, toy, work, '--protocols', 'lp-convex', '--name', 'ckpt', '--force'))
    assert a[0]['mIoU'] == b[0]['mIoU'] and a[0]['loss'] == b[0]['loss']
    assert a[0]['checkpoint'] == ckpt
    backbone_only = str(tmp_path / 'backbone.pth')
    torch.save(dict(state_dict={k: v for k, v in state.items() if k.startswith('backbone.')}),
               backbone_only)
    with pytest.raises(ValueError, match='no decoder weights'):
        tool.main(_args(backbone_only, toy, work, '--protocols', 'knn'))
    rec = tool.main(_args(backbone_only, toy, work, '--protocols', 'knn', '--layers', 'layer4'))
    assert rec[0]['layer'] == 'stage4'
    saved = json.load(open(osp.join(work, 'backbone', 'mocofcn_r18-d8_toy', 'knn-stage4', 'seed0',
                                    'eval_result.json')))
    assert saved['mIoU'] == rec[0]['mIoU']


def test_init_seed_picks_the_random_init_model(toy, tmp_path):
    """--init-seed k (no checkpoint) evaluates the model build_feature_model(init_seed=k) builds:
    the deterministic probe scores it as it scores that model saved as a checkpoint; another seed
    is another model; the record keeps the seed."""
    ckpt = str(tmp_path / 'seed3.pth')
    _save_random_init(ckpt, 3)
    tool = load_tool('evaluate_frozen')
    work = str(tmp_path / 'eval')
    saved = tool.main(_args(ckpt, toy, work, '--protocols', 'lp-convex', '--name', 'saved'))[0]
    three = tool.main(_args('none', toy, work, '--protocols', 'lp-convex', '--name', 'r3',
                            '--init-seed', '3'))[0]
    zero = tool.main(_args('none', toy, work, '--protocols', 'lp-convex', '--name', 'r0'))[0]
    assert three['mIoU'] == saved['mIoU'] and three['loss'] == saved['loss']
    assert zero['loss'] != three['loss']
    assert three['init_seed'] == 3 and zero['init_seed'] == 0 and 'init_seed' not in saved
