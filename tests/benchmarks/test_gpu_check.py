"""benchmarks/gpu_check.sh, the GPU acceptance test, rehearsed on CPU at tiny sizes (so that the
script cannot rot), and its failure paths: a failing stage makes it exit non-zero."""
import argparse
import json
import math
import os
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config, DictAction

from ssl4dp_mm.benchmarking.camvid_suite import ROWS, VIT
from ssl4dp_mm.manifest import composed_seg_file
from tests.conftest import ROOT, load_tool

# the rehearsal's methods: MMSelfSup's MoCo v2 (a reference), PLMoCo w/dec (whose checkpoint feeds
# the segmentation step) and DetCon-S w/dec (Felzenszwalb masks computed by the loader)
REHEARSAL = 'mocov2 plmoco-dec detcons-dec'
TINY = dict(GPU_CHECK_DEVICE='cpu', GPU_CHECK_SKIP_INSTALL='1', GPU_CHECK_IMAGE='48x64',
            GPU_CHECK_VIEW='32', GPU_CHECK_SEG_CROP='32', GPU_CHECK_BATCH='2',
            GPU_CHECK_ITERS='2', GPU_CHECK_RESUME_ITERS='1', GPU_CHECK_WORKERS='0',
            GPU_CHECK_STARTS='2')


def bench():
    return load_tool('gpu_acceptance', folder='benchmarks')


def run_check(tmp_path, **env):
    """bash benchmarks/gpu_check.sh with the tiny CPU settings (and ``env``); its results file
    and work dir under ``tmp_path``."""
    outer = {k: v for k, v in os.environ.items() if not k.startswith('GPU_CHECK_')}
    full = dict(outer, PYTHON=sys.executable, GPU_CHECK_WORK=str(tmp_path / 'work'),
                GPU_CHECK_OUT=str(tmp_path / 'gpu_check_cpu.md'),
                SSL4DP_SITE=str(tmp_path / 'site'), SSL4DP_WHEELS=str(tmp_path / 'no_wheels'),
                **TINY)
    full.update(env)
    return subprocess.run(['bash', osp.join(ROOT, 'benchmarks', 'gpu_check.sh')], cwd=ROOT,
                          env=full, capture_output=True, text=True, timeout=900)


def test_methods_are_those_of_the_camvid_benchmark():
    """Every pre-training method of benchmarks/camvid_quality.py (ViT rows, variants of the
    pre-training options and random init aside) has a config here, and nothing else does."""
    names = {n for n, row in ROWS.items()
             if row.pretrain_config is not None and n not in VIT and row.variant_of is None}
    b = bench()
    assert names == set(b.ALL_METHODS)
    assert set(b.METHODS) == names - set(b.DECODER_VARIANTS) and len(b.METHODS) == 16
    for name, (config, _) in b.ALL_METHODS.items():
        assert osp.isfile(osp.join(ROOT, config)), name
        assert '_r50b-d8' in config or name == 'plr-dec', name  # the reference configs
    assert b.select_methods('default') == list(b.METHODS)
    assert b.select_methods('detcons-dec, mocov2') == ['mocov2', 'detcons-dec']
    with pytest.raises(SystemExit, match='no-such-method'):
        b.select_methods('mocov2 no-such-method')


def _apply(cfg, options: dict):
    """The options as tools/train.py applies them: formatted, parsed by DictAction, merged."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parsed = parser.parse_args(['--cfg-options', *bench().format_options(options)])
    cfg.merge_from_dict(parsed.cfg_options)
    return cfg


def test_pretrain_options_reach_every_view_mask_and_loop_key():
    b = bench()
    args = argparse.Namespace(view=32, image=(75, 100), cfg_options='model.queue_len=64')
    config = b.METHODS['detcons-dec'][0]
    cfg = Config.fromfile(osp.join(ROOT, config))
    opts = b.pretrain_options(cfg, args, '/data/voc', '/ckpt.pth', '/cache', iters=3, batch=4,
                              workers=1)
    cfg = _apply(cfg, opts)
    assert cfg.train_cfg == dict(type='IterBasedTrainLoop', max_iters=3)  # max_epochs is gone
    loader = cfg.train_dataloader
    assert (loader.batch_size, loader.num_workers, loader.persistent_workers) == (4, 1, True)
    assert loader.dataset.data_root == '/data/voc'
    assert cfg.optim_wrapper.paramwise_cfg.init_checkpoint == '/ckpt.pth'
    nodes = [n for _, n in b.walk(loader.to_dict())]
    crops = [n for n in nodes if n.get('type') == 'RandomResizedCropWithCoord']
    masks = [n for n in nodes if n.get('type') == 'FelzenszwalbMasks']
    assert crops and all(n['size'] == 32 for n in crops)
    # DetCon's 1000 px areas at 500x375, scaled to a 100x75 image: 1000 * 7500 / 187500 = 40
    assert masks and all(n['scale'] == 40 and n['min_size'] == 40 and n['cache_dir'] == '/cache'
                         for n in masks)
    assert cfg.model.queue_len == 64 and cfg.log_processor.window_size == 1


def test_closest_config_is_pointed_at_the_voc_layout():
    b = bench()
    args = argparse.Namespace(view=None, image=b.REAL_IMAGE, cfg_options='')
    cfg = Config.fromfile(osp.join(ROOT, b.METHODS['plr-dec'][0]))
    cfg = _apply(cfg, b.pretrain_options(cfg, args, '/voc', '/c.pth', '/cache', 2, 16,
                                         closest=True))
    ds = cfg.train_dataloader.dataset
    assert (ds.data_root, ds.data_prefix.img_path, ds.ann_file, ds.ann_suffix) == (
        '/voc', 'JPEGImages', 'ImageSets/Segmentation/train_aug.txt', '.jpg')
    crops = [n for _, n in b.walk(ds.pipeline) if n.get('type') == 'RandomResizedCropWithCoord']
    assert crops and all(n['size'] == b.REAL_VIEW for n in crops)


def test_seg_options_cut_every_resize_crop_and_pad():
    b = bench()
    args = argparse.Namespace(seg_crop=32)
    cfg = Config.fromfile(composed_seg_file(*b.SEG_LEAF))
    cfg = _apply(cfg, b.seg_options(cfg, args, '/voc', workers=0))
    kinds = {'RandomResize': ('scale', (128, 32)), 'Resize': ('scale', (128, 32)),
             'RandomCrop': ('crop_size', (32, 32)), 'Pad': ('size', (32, 32))}
    seen = set()
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        parts = b.dataset_parts(cfg[loader], loader)
        assert parts and all(d.data_root == '/voc' for _, d in parts)
        for _, node in b.walk(cfg[loader].to_dict()):
            if node.get('type') in kinds:
                key, want = kinds[node['type']]
                assert tuple(node[key]) == want, node
                seen.add(node['type'])
    assert seen == set(kinds)
    assert tuple(cfg.model.data_preprocessor.size) == (32, 32)


def test_log_checks_and_figures():
    b = bench()
    recs = [dict(step=s, loss=1.0, loss_a=0.5, time=t, data_time=0.1, memory=m)
            for s, t, m in ((1, 9.0, 100), (2, 1.0, 300), (3, 3.0, 200))]
    assert b.check_records(recs, 1, 3) == ''
    assert 'expected 2..3' in b.check_records(recs, 2, 3)
    recs[1]['loss_a'] = float('nan')
    assert 'loss_a=nan at iteration 2' in b.check_records(recs, 1, 3)
    fig = b.throughput(recs, batch=8)
    assert fig['iter_s'] == 2.0 and fig['images_per_s'] == 4.0  # median of 1.0 and 3.0
    assert fig['peak_mb'] == 300
    assert b.throughput(recs[:1], batch=8)['images_per_s'] == 8 / 9.0
    # a single iteration less the seconds its run waited at the gate
    assert b.throughput(recs[:1], batch=8, waited=5.0)['images_per_s'] == 8 / 4.0


def test_amp_skipped_steps_from_the_loss_scale(tmp_path):
    path = str(tmp_path / 'amp.pth')
    torch.save(dict(optimizer=dict(state={}, loss_scaler=dict(scale=2.0**14, _growth_tracker=3))),
               path)
    assert bench().amp_skipped(path) == (2, 2.0**14)  # 2^16 halved twice


def test_amp_check_compares_iteration_one_and_counts_skipped_steps(tmp_path):
    b = bench()
    fake = argparse.Namespace(
        args=argparse.Namespace(amp_rtol=0.02, amp_atol=0.01, iters=5),
        methods={'m': {'fp32': dict(status='passed', losses=[10.0, 9.0])}})

    def check(amp_loss, scale):
        path = str(tmp_path / f'amp_{scale}.pth')
        torch.save(dict(optimizer=dict(loss_scaler=dict(scale=scale, _growth_tracker=0))), path)
        result = dict(losses=[amp_loss])
        return b.Acceptance.check_amp(fake, 'm', result, path), result

    error, result = check(10.15, 2.0**16)  # tolerance 0.02 x 10 + 0.01 = 0.21
    assert error == '' and result['skipped'] == 0
    assert result['loss_diff'] == pytest.approx(0.15) and result['tolerance'] == pytest.approx(0.21)
    assert 'diff' in check(10.25, 2.0**16)[0]
    assert check(10.0, 2.0**12)[0] == '' and check(10.0, 2.0**12)[1]['skipped'] == 4
    assert 'skipped all 5 steps' in check(10.0, 2.0**11)[0]


def test_checkpoints_are_dropped_unless_kept(tmp_path):
    b = bench()
    for name in ('iter_1.pth', 'iter_2.pth', 'scalars.json'):
        (tmp_path / name).write_text('x')
    keep = argparse.Namespace(args=argparse.Namespace(keep_checkpoints=True))
    b.Acceptance.drop_checkpoints(keep, str(tmp_path))
    assert len(list(tmp_path.iterdir())) == 3
    drop = argparse.Namespace(args=argparse.Namespace(keep_checkpoints=False))
    b.Acceptance.drop_checkpoints(drop, str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ['scalars.json']


def test_cpu_rehearsal_runs_every_stage(tmp_path):
    """The whole script (install and build skipped) on CPU at tiny sizes: each method trains,
    resumes and logs finite losses, the segmentation step trains and tests from the converted
    checkpoint; AMP and the 2-process run are skipped with their reasons."""
    proc = run_check(tmp_path, GPU_CHECK_METHODS=REHEARSAL, GPU_CHECK_KEEP_CHECKPOINTS='1')
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert '[gpu_check] PASSED' in proc.stdout
    for stage in ('preflight', 'stack', 'acceptance'):
        assert re.search(rf'^  {stage} +\d+ +passed$', proc.stdout, re.M), stage
    assert re.search(r'^  mmcv +0 +skipped: GPU_CHECK_SKIP_INSTALL=1$', proc.stdout, re.M)
    out = json.load(open(tmp_path / 'gpu_check_cpu.json'))
    assert out['passed'] and list(out['methods']) == REHEARSAL.split()
    work = tmp_path / 'work'
    for name, stages in out['methods'].items():
        assert stages['fp32']['status'] == stages['resume']['status'] == 'passed', name
        assert 'CUDA' in stages['amp']['reason']
        assert len(stages['fp32']['losses']) == 2 and len(stages['resume']['losses']) == 1
        assert all(math.isfinite(v) for v in stages['fp32']['losses'] + stages['resume']['losses'])
        # images/s against the log, read here independently: batch / iteration 2's time
        log = [json.loads(line) for f in (work / name / 'fp32').glob('*/vis_data/scalars.json')
               for line in open(f)]
        assert [r['step'] for r in log] == [1, 2]
        assert stages['fp32']['images_per_s'] == pytest.approx(2 / log[1]['time'])
        assert stages['fp32']['peak_mb'] > 100  # the process's RSS: torch alone is more

    # the timed runs iterated one at a time: each one's first iteration was logged no earlier
    # than the last of the run before it (mmengine's log times, to the second), though the next
    # one started meanwhile and waited at its loop's start
    def iteration_times(name):
        lines = open(work / 'logs' / f'{name}_fp32.log').read().splitlines()
        return [line[:14] for line in lines if 'Iter(train) [' in line]

    names = REHEARSAL.split()
    for before, after in zip(names, names[1:]):
        assert iteration_times(after)[0] >= iteration_times(before)[-1], (before, after)
    assert any(out['methods'][n]['fp32']['waited_s'] > 0 for n in names[1:])
    # the resumed run continued the first: its checkpoint is iteration 3 of that run
    from ssl4dp_mm.checkpoints import load_checkpoint_file
    meta = load_checkpoint_file(str(work / 'plmoco-dec' / 'resume' / 'iter_3.pth'))['meta']
    assert meta['iter'] == 3
    stages = out['stages']
    for name in ('seg_convert', 'seg_train', 'seg_test'):
        assert stages[name]['status'] == 'passed', stages[name]
    metrics = json.load(open(work / 'seg' / 'metrics.json'))
    assert 0 <= metrics['mIoU'] <= 100
    assert stages['dist']['status'] == 'skipped'
    table = open(tmp_path / 'gpu_check_cpu.md').read()
    assert 'PASSED' in table
    for name in REHEARSAL.split():
        row = next(line for line in table.splitlines()
                   if line.startswith(f'| {bench().ALL_METHODS[name][1]} |'))
        assert row.endswith('| passed |'), row
    mocov2 = out['methods']['mocov2']['fp32']
    ratio = out['methods']['detcons-dec']['fp32']['images_per_s'] / mocov2['images_per_s']
    assert f'| {ratio:.2f} |' in table


def test_unknown_method_fails_the_script(tmp_path):
    proc = run_check(tmp_path, GPU_CHECK_METHODS='mocov2 no-such-method')
    assert proc.returncode != 0
    assert 'no-such-method' in proc.stdout + proc.stderr
    assert '[gpu_check] FAILED' in proc.stdout
    assert not osp.exists(tmp_path / 'gpu_check_cpu.md')


def test_a_failing_run_fails_the_script_and_is_reported(tmp_path):
    """A config override that breaks the model: the fp32 run fails, what depends on it fails,
    the table says so and the script exits non-zero."""
    proc = run_check(tmp_path, GPU_CHECK_METHODS='mocov2',
                     GPU_CHECK_CFG_OPTIONS='model.backbone.depth=7')
    assert proc.returncode != 0
    summary = proc.stdout[proc.stdout.rindex('[gpu_check] summary'):]
    assert 'acceptance' in summary and 'FAILED' in summary
    out = json.load(open(tmp_path / 'gpu_check_cpu.json'))
    mocov2 = out['methods']['mocov2']
    assert not out['passed'] and mocov2['fp32']['status'] == 'failed'
    assert 'depth' in mocov2['fp32']['tail']  # the log's end names the cause
    assert mocov2['resume']['error'] == 'the fp32 run failed'
    assert out['stages']['seg_train']['status'] == 'failed'
    assert 'FAILED' in open(tmp_path / 'gpu_check_cpu.md').read()
