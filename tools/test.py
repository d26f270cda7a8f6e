"""Test a checkpoint with a config, like MMSeg's tools/test.py (``mim test mmseg`` works too).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out-metrics FILE.json] \
        [--cfg-options ...]
"""
import argparse
import json
import os
import os.path as osp

import torch
from mmengine.config import DictAction
from mmengine.runner import Runner

from ssl4dp_mm.cli import add_launcher_args, export_local_rank, runner_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test a checkpoint with an ssl4dp_mm config')
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where logs go')
    parser.add_argument('--out-metrics', help='also write the metrics to this JSON file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override config keys')
    add_launcher_args(parser)
    return export_local_rank(parser.parse_args(argv))


def main(argv=None):
    args = parse_args(argv)
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint {args.checkpoint!r} does not exist')
    cfg = runner_config(args.config, args.launcher, args.cfg_options, args.work_dir)
    if args.launcher != 'none' and not torch.cuda.is_available():
        cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = 'gloo'
        cfg.model_wrapper_cfg = dict(  # DDP refuses device_ids for a CPU module (see train.py)
            type='MMDistributedDataParallel', broadcast_buffers=False, device_ids=None)
    cfg.load_from = args.checkpoint
    if args.launcher == 'pytorch' and not torch.cuda.is_available() and \
            not torch.distributed.is_initialized():
        # mmengine's init_dist calls torch.cuda.set_device, which fails without GPUs (see train.py)
        torch.distributed.init_process_group(backend='gloo')
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if args.out_metrics:
        os.makedirs(osp.dirname(osp.abspath(args.out_metrics)), exist_ok=True)
        with open(args.out_metrics, 'w') as f:
            json.dump({k: float(v) for k, v in metrics.items()}, f, indent=2)
    return metrics


if __name__ == '__main__':
    main()
