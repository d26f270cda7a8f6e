"""The trained protocols in the library: row labels, columns and folders; the record of one run
(written atomically, read back on resume); the composed config. Training and testing are replaced
by stand-ins here: tests/tools/test_evaluate.py runs them for real."""
import json
import os
import os.path as osp

import pytest

from ssl4dp_mm.evaluation import records, trained
from ssl4dp_mm.evaluation.records import default_name, trained_column, trained_dir
from ssl4dp_mm.evaluation.trained import EvaluationRefused, TrainedEval, evaluate_trained
from ssl4dp_mm.evaluation.trained_config import compose_config, leaf_config, set_iters


def test_names_columns_and_folders():
    assert default_name('none') == default_name('Random-Init') == 'random init'
    assert default_name('/w/plmoco_r18/iter_300.pth') == 'plmoco_r18'
    assert default_name('/w/plmoco_r18/epoch_2.pth') == 'plmoco_r18'
    assert default_name('/ckpts/moco_v2_800ep.pth.tar') == 'moco_v2_800ep.pth'
    assert [trained_column(p, 0.1) for p in ('ft10', 'lp', 'ft100')] == [
        'FT-10%', 'LP-100%', 'FT-100%']
    assert trained_column('ft10', 0.01) == 'FT-1%' and trained_dir('ft10', 0.01) == 'ft1'
    assert trained_dir('ft10', 0.1) == 'ft10' and trained_dir('lp', 0.1) == 'lp'


def test_compose_config_shortens_the_protocol_and_drops_validation(tmp_path):
    leaf = leaf_config('mocofcn', 'ft100', 'toy')
    cfg = compose_config('mocofcn', 'ft100', 'toy', seed=4, load_from='w.pth', iters=30,
                         data_root=str(tmp_path), cfg_options={'train_dataloader.batch_size': 2})
    assert cfg.leaf_config == leaf and cfg.randomness == dict(seed=4) and cfg.load_from == 'w.pth'
    assert cfg.train_cfg.max_iters == 30 and 'val_interval' not in cfg.train_cfg
    assert cfg.default_hooks.checkpoint.interval == 30
    assert cfg.val_dataloader is None and cfg.val_evaluator is None
    assert cfg.train_dataloader.batch_size == 2
    assert cfg.train_dataloader.dataset.data_root == cfg.test_dataloader.dataset.data_root == \
        str(tmp_path)
    # every scheduler bound scales by 30 / 300
    from mmengine.config import Config
    full = Config.fromfile(leaf)
    set_iters(full, 30)
    assert cfg.param_scheduler == full.param_scheduler


def _fake_stage(metrics):
    """A stand-in for run_stage: 'training' writes a checkpoint and mmengine's marker, 'testing'
    the metrics file."""
    def run_stage(name, cmd, log_path):
        if cmd[1] == 'tools/train.py':
            work = cmd[cmd.index('--work-dir') + 1]
            os.makedirs(work)
            open(osp.join(work, 'iter_2.pth'), 'w').close()
            with open(osp.join(work, 'last_checkpoint'), 'w') as f:
                f.write(osp.join(work, 'iter_2.pth'))
        else:
            with open(cmd[cmd.index('--out-metrics') + 1], 'w') as f:
                json.dump(metrics, f)
    return run_stage


def test_record_of_a_run_is_written_atomically_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setattr(trained, 'run_stage',
                        _fake_stage(dict(mIoU=41.5, mAcc=50.0, aAcc=80.0)))
    saved = []
    monkeypatch.setattr(trained, 'save_record',
                        lambda path, rec: (saved.append(path), records.save_record(path, rec)))
    ev = TrainedEval('none', 'mocofcn', 'toy', str(tmp_path), iters=2)
    (rec, ) = evaluate_trained(ev, ['lp'], [1], python='python')
    path = osp.join(str(tmp_path), 'random_init', 'mocofcn_r18-d8_toy', 'lp', 'seed1',
                    'eval_result.json')
    assert saved == [path]
    assert [f for f in os.listdir(osp.dirname(path)) if f.endswith('.tmp')] == []
    with open(path) as f:
        text = f.read()
    assert text == json.dumps(rec, indent=2) and json.loads(text) == rec
    assert list(rec) == [
        'name', 'checkpoint', 'head', 'backbone', 'dataset', 'protocol', 'column',
        'label_fraction', 'split_seed', 'splits', 'seed', 'iters', 'mIoU', 'mAcc', 'aAcc',
        'leaf_config', 'config', 'converted', 'source_format', 'missing_keys',
        'trained_checkpoint', 'wall_s', 'created']
    assert (rec['name'], rec['column'], rec['seed'], rec['iters'], rec['mIoU']) == (
        'random init', 'LP-100%', 1, 2, 41.5)
    assert rec['checkpoint'] is None and rec['converted'] is None and rec['splits'] == []
    assert rec['label_fraction'] == 1.0 and rec['split_seed'] is None
    assert rec['trained_checkpoint'].endswith(osp.join('seed1', 'train', 'iter_2.pth'))
    # resumed: the record is read back, nothing runs
    monkeypatch.setattr(trained, 'run_stage', None)
    assert evaluate_trained(ev, ['lp'], [1]) == [rec]


def test_lp_without_a_decoder_is_refused(tmp_path, monkeypatch):
    report = dict(source='torchvision', missing=['decode_head.conv_seg.weight',
                                                 'decode_head.bottleneck.conv.weight'],
                  unexpected=[], num_keys=3)
    monkeypatch.setattr(trained, 'convert_checkpoint', lambda *a, **k: dict(report))
    ckpt = str(tmp_path / 'tv.pth')
    ev = TrainedEval(ckpt, 'mocofcn', 'toy', str(tmp_path))
    with pytest.raises(EvaluationRefused, match='has no decoder for the mocofcn head'):
        trained.convert_for_run(ev, 'cfg.py', 'lp')
    out = trained.convert_for_run(ev, 'cfg.py', 'ft100')
    assert out['has_decoder'] is False and out['path'] == osp.join(ev.group_dir, 'converted.pth')


def _flat(d, prefix=''):
    """A nested config dict as {'a.b.c': value} (lists compared whole)."""
    out = {}
    for key, value in d.items():
        if isinstance(value, dict) and value:
            out.update(_flat(value, f'{prefix}{key}.'))
        else:
            out[f'{prefix}{key}'] = value
    return out


@pytest.mark.parametrize('head,protocol,dataset', [('mocofcn', 'ft100', 'toy'),
                                                   ('psp', 'lp', 'voc')])
def test_val_interval_adds_validation_and_nothing_else(tmp_path, head, protocol, dataset):
    from mmengine.config import Config
    kwargs = dict(seed=1, load_from='w.pth', iters=30, data_root=str(tmp_path))
    default = compose_config(head, protocol, dataset, **kwargs)
    assert compose_config(head, protocol, dataset, val_interval=None, **kwargs).pretty_text == \
        default.pretty_text
    curve = compose_config(head, protocol, dataset, val_interval=7, **kwargs)
    assert curve.train_cfg.val_interval == 7 and curve.default_hooks.checkpoint.interval == 7
    assert curve.train_cfg.max_iters == 30  # the last validation (iteration 30) stays
    # validation exactly as the leaf defines it, pointed at the same data root
    leaf = Config.fromfile(leaf_config(head, protocol, dataset))
    assert curve.val_cfg == leaf.val_cfg and curve.val_evaluator == leaf.val_evaluator
    assert curve.val_dataloader.dataset.data_root == str(tmp_path)
    assert {k: v for k, v in _flat(curve.val_dataloader.to_dict()).items()
            if k != 'dataset.data_root'} == {k: v for k, v in _flat(
                leaf.val_dataloader.to_dict()).items() if k != 'dataset.data_root'}
    a, b = _flat(default.to_dict()), _flat(curve.to_dict())
    changed = {k for k in set(a) | set(b) if a.get(k, '-') != b.get(k, '-')}
    assert {k.split('.')[0] for k in changed} == {
        'train_cfg', 'default_hooks', 'val_dataloader', 'val_cfg', 'val_evaluator'}
    assert {k for k in changed if k.startswith(('train_cfg', 'default_hooks'))} == {
        'train_cfg.val_interval', 'default_hooks.checkpoint.interval'}
    with pytest.raises(ValueError, match='val_interval must be >= 1'):
        compose_config(head, protocol, dataset, val_interval=0, **kwargs)
