"""The evaluation suite end to end on the toy scenes: convert -> `mim test mmseg` for each head;
tools/evaluate.py (subprocess train + test) -> records -> results table, with the recorded mIoU
checked against an independent computation; protocol configs composed for VOC without its data."""
import json
import os
import os.path as osp
import re
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
import torchvision
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS as SELFSUP_MODELS

from ssl4dp_mm.checkpoints import save_checkpoint_atomic
from ssl4dp_mm.checkpoints.convert import convert_checkpoint
from tests.conftest import ROOT, config_path, load_config, load_tool, train_few_iters

PRE_CFG = 'selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
LP_CFG = {
    'mocofcn': 'seg/mocofcn/mocofcn_r18-d8_lp-300i_toyscenes.py',
    'psp': 'seg/pspnet/pspnet_r18-d8_lp-300i_toyscenes.py',
    'aspp': 'seg/deeplabv3/deeplabv3_r18-d8_lp-300i_toyscenes.py',
}
DECODERS = {'mocofcn': 'mocofcn', 'psp': 'psp', 'aspp': 'aspp'}


def _pretrain_cfg(head, data_root=None):
    cfg = load_config(PRE_CFG, data_root)
    base = Config.fromfile(config_path('_base_/models/r18-d8.py'))
    cfg.model.decoder = base[f'{DECODERS[head]}_decoder']
    cfg.model.neck.in_channels = base.decoder_channels[DECODERS[head]]
    cfg.model.queue_len = 16
    return cfg


def _built_checkpoint(head, path):
    """A pre-training checkpoint (mmengine layout): a freshly built PLMoCo, ``head``'s decoder."""
    init_default_scope('mmselfsup')
    model = SELFSUP_MODELS.build(_pretrain_cfg(head).model)
    save_checkpoint_atomic(dict(meta=dict(iter=0), state_dict=model.state_dict()), str(path))
    return str(path)


@pytest.fixture(scope='module')
def pretrained(toy_root, tmp_path_factory):
    """Pre-training checkpoints with each head's decoder; the PSP one from 2 real iterations."""
    folder = tmp_path_factory.mktemp('pretrain')
    ckpts = {h: _built_checkpoint(h, folder / f'plmoco_{h}_init.pth') for h in ('mocofcn', 'aspp')}
    work = folder / 'plmoco-psp'
    cfg = _pretrain_cfg('psp', toy_root)
    train_few_iters(cfg, work, iters=2, batch_size=2)
    ckpts['psp'] = str(work / 'iter_2.pth')
    ckpts['psp_init'] = _built_checkpoint('psp', folder / 'plmoco_psp_init.pth')
    return ckpts


def test_mim_test_reports_miou_for_each_head(pretrained, toy_root, tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    for head, rel in LP_CFG.items():
        dst = str(tmp_path / f'{head}_converted.pth')
        report = convert_checkpoint(pretrained[head], dst, config_path(rel), verbose=False)
        assert report['missing'] == ['decode_head.conv_seg.weight', 'decode_head.conv_seg.bias']
        cmd = [osp.join(osp.dirname(sys.executable), 'mim'), 'test', 'mmseg', config_path(rel),
               '--checkpoint', dst, '--work-dir', str(tmp_path / head), '--cfg-options',
               f'test_dataloader.dataset.data_root={toy_root}', 'test_dataloader.num_workers=0',
               'test_dataloader.persistent_workers=False']
        proc = subprocess.run(cmd, cwd=str(tmp_path), env=env, capture_output=True, text=True)
        log = proc.stdout + proc.stderr
        assert proc.returncode == 0, log[-3000:]
        found = re.findall(r'mIoU: ([\d.]+)', log)
        assert found, f'{head}: no mIoU in the output of mim test:\n{log[-2000:]}'
        assert 0.0 <= float(found[-1]) <= 100.0


@pytest.fixture(scope='module')
def eval_runs(pretrained, toy_root, tmp_path_factory):
    """Real work directories of two checkpoints: one with LP, one with FT-10% (seeds 0 and 1: the
    mean ± std arithmetic is checked on synthetic records in test_results_table.py)."""
    work = str(tmp_path_factory.mktemp('eval'))
    evaluate = load_tool('evaluate').main
    common = ['--head', 'psp', '--dataset', 'toy', '--iters', '2', '--data-root', toy_root,
              '--work-dir', work, '--cfg-options', 'train_dataloader.batch_size=2',
              'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
              'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False']
    lp = evaluate([pretrained['psp'], '--protocol', 'lp', '--seeds', '1', '--name',
                   'PLMoCo psp (2 it)'] + common)
    ft = evaluate([pretrained['psp_init'], '--protocol', 'ft10', '--name', 'PLMoCo psp (init)']
                  + common)
    return work, lp, ft


def test_evaluate_records_runs(eval_runs, toy_root):
    work, lp, ft = eval_runs
    assert [r['seed'] for r in lp] == [1] and [r['seed'] for r in ft] == [0]
    for rec in lp + ft:
        assert osp.isfile(rec['config']) and osp.isfile(rec['trained_checkpoint'])
        assert Config.fromfile(rec['config']).load_from == rec['converted']
        assert 0.0 <= rec['mIoU'] <= 100.0 and rec['iters'] == 2
        with open(osp.join(osp.dirname(rec['config']), 'eval_result.json')) as f:
            assert json.load(f)['mIoU'] == rec['mIoU']
    assert lp[0]['column'] == 'LP-100%' and lp[0]['missing_keys'] == [
        'decode_head.conv_seg.weight', 'decode_head.conv_seg.bias']
    assert ft[0]['column'] == 'FT-10%'
    split = ft[0]['splits'][0]
    assert (split['num'], split['total']) == (2, 16)  # 10% of the 16 toy training images
    run_cfg = Config.fromfile(ft[0]['config'])
    assert run_cfg.train_dataloader.dataset.ann_file == split['path']
    assert run_cfg.load_from == ft[0]['converted'] and run_cfg.randomness.seed == 0
    # the LP run started from the converted pre-trained weights and kept them
    converted = torch.load(lp[0]['converted'], weights_only=True)['state_dict']
    trained = torch.load(lp[0]['trained_checkpoint'], weights_only=False)['state_dict']
    for k, v in converted.items():
        assert torch.equal(trained[k], v), k


def _independent_miou(config, checkpoint, toy_root):
    """mIoU (%) on the toy val split from per-class pixel counts, computed here with numpy; the
    images go to the model as they are (the test Resize to 128x96 is the identity on them)."""
    from mmseg.apis import init_model
    from mmseg.structures import SegDataSample
    model = init_model(config, checkpoint, device='cpu')
    num_classes = 6
    inter = np.zeros(num_classes)
    union = np.zeros(num_classes)
    img_dir = osp.join(toy_root, 'img_dir', 'val')
    for name in sorted(os.listdir(img_dir)):
        img = cv2.imread(osp.join(img_dir, name))  # BGR, as LoadImageFromFile gives it
        assert img.shape[:2] == (96, 128)
        gt = cv2.imread(osp.join(toy_root, 'ann_dir', 'val', name), cv2.IMREAD_UNCHANGED)
        sample = SegDataSample(metainfo=dict(img_shape=img.shape[:2], ori_shape=img.shape[:2]))
        with torch.no_grad():
            out = model.test_step(dict(inputs=[torch.from_numpy(img).permute(2, 0, 1)],
                                       data_samples=[sample]))
        pred = out[0].pred_sem_seg.data[0].numpy()
        valid = gt != 255
        for c in range(num_classes):
            p, g = (pred == c) & valid, (gt == c) & valid
            inter[c] += np.logical_and(p, g).sum()
            union[c] += np.logical_or(p, g).sum()
    with np.errstate(invalid='ignore', divide='ignore'):
        return float(np.nanmean(inter / union) * 100)


def test_recorded_miou_matches_an_independent_computation(eval_runs, toy_root):
    _, lp, ft = eval_runs
    for rec in lp + ft:
        expected = _independent_miou(rec['config'], rec['trained_checkpoint'], toy_root)
        assert rec['mIoU'] == pytest.approx(expected, abs=0.006)  # mmseg rounds to 2 decimals


def test_results_table_from_two_checkpoints(eval_runs, tmp_path):
    work, lp, ft = eval_runs
    tables = load_tool('analysis/results_table').main([work, '--out-dir', str(tmp_path)])
    assert list(tables) == [('psp', 'r18-d8', 'toy')]
    md = (tmp_path / 'results.md').read_text()
    assert '| pre-training | FT-10% | LP-100% | FT-100% |' in md
    assert f'| PLMoCo psp (2 it) | – | {lp[0]["mIoU"]:.2f} | – |' in md
    assert f'| PLMoCo psp (init) | {ft[0]["mIoU"]:.2f} | – | – |' in md
    rows = (tmp_path / 'results.csv').read_text().strip().split('\n')
    assert rows[0] == 'head,backbone,dataset,pretraining,protocol,mIoU_mean,mIoU_std,n,seeds'
    assert f'psp,r18-d8,toy,PLMoCo psp (2 it),LP-100%,{lp[0]["mIoU"]:.4f},0.0000,1,1' in rows
    assert f'psp,r18-d8,toy,PLMoCo psp (init),FT-10%,{ft[0]["mIoU"]:.4f},0.0000,1,0' in rows


def test_evaluate_refuses_plain_stem_without_the_plain_variant(tmp_path):
    net = torchvision.models.resnet18()
    ckpt = tmp_path / 'resnet18_tv.pth'
    torch.save(net.state_dict(), ckpt)
    evaluate = load_tool('evaluate').main
    args = [str(ckpt), '--head', 'aspp', '--dataset', 'voc', '--work-dir', str(tmp_path / 'w'),
            '--dry-run']
    with pytest.raises(SystemExit, match=r'stem mismatch[\s\S]*--backbone r18b-d8'):
        evaluate(args + ['--protocol', 'ft100'])
    with pytest.raises(SystemExit, match='has no decoder'):  # LP needs a pre-trained decoder
        evaluate(args + ['--protocol', 'lp', '--backbone', 'r18b-d8'])
    # the matching variant composes the reference FT-100% VOC run (data not needed for a dry run)
    evaluate(args + ['--protocol', 'ft100', '--backbone', 'r18b-d8', '--seeds', '3'])
    run = tmp_path / 'w' / 'resnet18_tv' / 'aspp_r18b-d8_voc' / 'ft100' / 'seed3'
    cfg = Config.fromfile(str(run / 'config.py'))
    assert cfg.model.backbone.type == 'mmseg.ResNet'
    assert cfg.model.decode_head.type == 'mmseg.ASPPHead'
    assert cfg.model.decode_head.num_classes == 21 and cfg.train_dataloader.batch_size == 16
    assert cfg.optim_wrapper.optimizer.lr == 0.003 and cfg.train_cfg.max_iters == 30000
    assert cfg.param_scheduler[0].eta_min == 3e-4 and cfg.randomness.seed == 3
    assert cfg.load_from == str(run.parent.parent / 'converted.pth')
