"""The ``sync_bn`` switch: the runtime bases set it, tools/train.py overrides or drops it, and
mmengine's Runner really turns every BatchNorm into SyncBatchNorm when (and only when) distributed,
in the online network and in its momentum copy alike (converted after the copy was made, sharing
the parameter objects, so the EMA still updates it). Nothing here runs a forward pass: torch runs
SyncBatchNorm on GPUs only, and DDP refuses to wrap a CPU module that holds it, which is why
tools/train.py drops ``sync_bn`` for CPU processes."""
import os.path as osp
import socket

import pytest
import torch
import torch.nn as nn
from mmengine.runner import Runner

from tests.conftest import load_config, load_tool

PLMOCO = 'selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
SEG = 'seg/mocofcn/mocofcn_r18-d8_ft10-300i_toyscenes.py'


def norm_layers(module: nn.Module):
    """(SyncBatchNorm count, count of other BatchNorm layers) in ``module``."""
    bns = [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    sync = sum(isinstance(m, nn.SyncBatchNorm) for m in bns)
    return sync, len(bns) - sync


def runner_cfg(tmp_path, name: str, launcher: str):
    cfg = load_config(PLMOCO)
    cfg.work_dir = str(tmp_path / name)
    cfg.launcher = launcher
    cfg.experiment_name = f'sync_bn_{name}'
    cfg.visualizer.name = cfg.experiment_name
    return cfg


@pytest.mark.parametrize('rel', [PLMOCO, SEG])
def test_runtime_bases_switch_it_on(rel):
    assert load_config(rel).get('sync_bn') == 'torch'


def test_train_tool_overrides_and_drops_it_on_cpu():
    train = load_tool('train')
    args = train.parse_args([osp.join('configs', PLMOCO)])
    assert train.build_cfg(args).sync_bn == 'torch'  # single process: the Runner leaves BN be
    args = train.parse_args([osp.join('configs', PLMOCO), '--sync-bn', 'none'])
    assert train.build_cfg(args).sync_bn is None
    if not torch.cuda.is_available():
        args = train.parse_args([osp.join('configs', PLMOCO), '--launcher', 'pytorch'])
        with pytest.warns(UserWarning, match='SyncBatchNorm runs on GPUs only'):
            assert train.build_cfg(args).sync_bn is None


def test_single_process_runner_keeps_batchnorm(tmp_path):
    runner = Runner.from_cfg(runner_cfg(tmp_path, 'single', 'none'))
    sync, plain = norm_layers(runner.model)
    assert sync == 0 and plain > 0


def _distributed_runner(rank, port, cfg, out):
    import torch.distributed as dist
    torch.set_num_threads(1)  # a forked child: keep clear of the parent's thread pool
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=1)
    try:
        # DDP refuses a CPU module with SyncBatchNorm ("SyncBatchNorm layers only work with GPU
        # modules"), so the Runner converts and then wraps the model in a plain holder
        from mmengine.registry import MODEL_WRAPPERS

        @MODEL_WRAPPERS.register_module()
        class HoldModule(nn.Module):  # registered in this forked child only

            def __init__(self, module):
                super().__init__()
                self.module = module

        cfg.model_wrapper_cfg = dict(type='HoldModule')
        runner = Runner.from_cfg(cfg)  # the Runner is "distributed": launcher 'pytorch'
        model = runner.model.module
        online = model.online_modules()
        key = model.encoder_k.module
        # the EMA still writes into the converted copy: its first update copies the online
        # weights, here with every online SyncBN weight set to 2 first
        with torch.no_grad():
            for m in online.modules():
                if isinstance(m, nn.SyncBatchNorm):
                    m.weight.fill_(2.)
        model.encoder_k.update_parameters(online)
        same = all(torch.equal(a, b) for a, b in zip(key.parameters(), online.parameters()))
        torch.save(dict(wrapped=type(runner.model).__name__, online=norm_layers(online),
                        key=norm_layers(key), whole=norm_layers(model), ema_pairs=same),
                   out)
    finally:
        dist.destroy_process_group()


def test_distributed_runner_converts_both_encoders(tmp_path):
    import torch.multiprocessing as mp
    from mmselfsup.registry import MODELS
    cfg = runner_cfg(tmp_path, 'dist', 'pytorch')
    assert cfg.sync_bn == 'torch'
    built = MODELS.build(cfg.model)
    _, online_bn = norm_layers(built.online_modules())
    _, key_bn = norm_layers(built.encoder_k.module)
    assert online_bn > 0 and key_bn == online_bn
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    out = str(tmp_path / 'dist.pt')
    mp.start_processes(_distributed_runner, args=(port, cfg, out), nprocs=1, start_method='fork')
    res = torch.load(out, weights_only=True)
    assert res['wrapped'] == 'HoldModule'
    assert res['online'] == (online_bn, 0)  # every BatchNorm, none left behind
    assert res['key'] == (key_bn, 0)  # the momentum copy too (converted after it was made)
    assert res['whole'] == (online_bn + key_bn, 0)
    assert res['ema_pairs']
