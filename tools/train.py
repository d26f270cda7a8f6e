"""Train with a config (pre-training or segmentation), like MMSelfSup's and MMSeg's tools/train.py.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp] [--sync-bn MODE]
                          [--cfg-options k=v ...]
    bash tools/dist_train.sh CONFIG GPUS [args...]   # torchrun, --launcher pytorch

A thin entry point over mmengine's Runner (arguments and config shared with tools/test.py in
ssl4dp_mm/cli.py), which imports the package; every config still names the plugin in its
custom_imports (tests/test_configs.py checks each one), so that ``mim train`` runs them as well.

N processes = one process: the runtime bases set ``sync_bn = 'torch'``, so a distributed run turns
every BatchNorm into SyncBatchNorm (mmengine's Runner does it when it wraps the model, only when
distributed), and the algorithms gather their in-batch negatives across processes. ``--sync-bn``
overrides the config (``none``: per-process BatchNorm). On CPU processes (gloo) SyncBN is dropped
with a warning: torch runs SyncBatchNorm on GPUs only.
"""
import argparse
import datetime
import warnings

import torch
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from ssl4dp_mm.cli import add_launcher_args, export_local_rank, runner_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a model with an ssl4dp_mm config')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from this checkpoint, or from the latest one in the work dir if no path')
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--sync-bn', choices=['torch', 'mmcv', 'none'],
        help='BatchNorm -> SyncBatchNorm in distributed runs (overrides the config\'s sync_bn; '
        'the runtime bases set torch); none keeps per-process BatchNorm')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config keys, e.g. train_cfg.max_iters=100')
    add_launcher_args(parser)
    return export_local_rank(parser.parse_args(argv))


def cpu_ddp(cfg: Config) -> None:
    """DDP on CPU processes: mmengine passes ``device_ids=[LOCAL_RANK]``, which DDP refuses for a
    CPU module, unless ``model_wrapper_cfg`` sets them."""
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel', broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper


def build_cfg(args) -> Config:
    cfg = runner_config(args.config, args.launcher, args.cfg_options, args.work_dir)
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.sync_bn is not None:
        cfg.sync_bn = None if args.sync_bn == 'none' else args.sync_bn
    if args.launcher != 'none' and not torch.cuda.is_available():
        # NCCL needs GPUs; gloo runs the same code on CPU processes
        cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = 'gloo'
        cpu_ddp(cfg)
        if cfg.get('sync_bn', None) is not None:
            warnings.warn(f'sync_bn={cfg.sync_bn!r} dropped: SyncBatchNorm runs on GPUs only, so '
                          'these CPU processes normalise over their own images (per-process '
                          'BatchNorm)')
            cfg.sync_bn = None
    return cfg


def init_cpu_process_group(cfg) -> None:
    """Start the gloo process group on machines without GPUs (a no-op elsewhere).

    mmengine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device`` unconditionally, which fails
    without a GPU; the Runner uses a process group that already exists as it is.
    """
    if cfg.launcher == 'pytorch' and not torch.cuda.is_available() and \
            not torch.distributed.is_initialized():
        dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}), backend='gloo')
        if 'timeout' in dist_cfg:
            dist_cfg['timeout'] = datetime.timedelta(seconds=dist_cfg['timeout'])
        torch.distributed.init_process_group(**dist_cfg)


def main(argv=None):
    args = parse_args(argv)
    cfg = build_cfg(args)
    init_cpu_process_group(cfg)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
