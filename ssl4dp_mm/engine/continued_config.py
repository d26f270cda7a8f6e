"""Compose a continued pre-training run: a pre-training config, continued from an upstream
checkpoint with the reference reports' lr ramp for the loaded parameters.

The CamVid benchmark's continued regime trains every method's CamVid config
(``configs/selfsup/<method>/*_camvid.py``) this way, from the upstream image-level model of
``configs/selfsup/upstream``::

    cfg = continued_config('configs/selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb16-120i_camvid.py',
                           'upstream/epoch_200.pth')
    cfg.dump('work_dirs/plmoco-dec_continued/config.py')   # then tools/train.py on it

The schedule lengths follow the config's ``train_cfg.max_iters``, so the same base serves any
budget.
"""
import copy
import os.path as osp
from typing import Dict, Optional, Union

from mmengine.config import Config

from ..paths import CONFIG_ROOT

#: The continued schedule of the CamVid benchmark (the reports' schedule at 120 iterations).
CONTINUED_SCHEDULE = osp.join(CONFIG_ROOT, '_base_', 'schedules',
                              'selfsup_sgd_cos_camvid-120i_from-upstream.py')


def continued_config(config: Union[str, Config],
                     init_checkpoint: str,
                     start_factor: Optional[float] = None,
                     schedule: str = CONTINUED_SCHEDULE) -> Config:
    """The pre-training ``config`` continued from ``init_checkpoint``.

    The schedule file's ``optim_wrapper`` (the continued-pretraining constructor) is merged into
    the config's (its optimizer, lr and ``paramwise_cfg`` such as an encoder ``lr_mult`` stay), and
    its ``param_scheduler`` replaces the config's, stretched to ``train_cfg.max_iters``.

    Args:
        config (str | Config): An iteration-based pre-training config (file or loaded).
        init_checkpoint (str): The local upstream checkpoint whose backbone is loaded.
        start_factor (float, optional): Initial lr of the loaded parameters as a fraction of the
            lr; ``1.0`` gives one lr for all (no ramp). Defaults to None (the schedule's: 0.1).
        schedule (str): The continued schedule base. Defaults to :data:`CONTINUED_SCHEDULE`.

    Returns:
        Config: A new config; ``config`` itself is not modified.

    Raises:
        ValueError: if the config is not iteration-based, or the checkpoint file does not exist.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else copy.deepcopy(config)
    if not osp.isfile(init_checkpoint):
        raise ValueError(f'init_checkpoint {init_checkpoint} does not exist')
    iters = cfg.get('train_cfg', {}).get('max_iters')
    if not iters:
        raise ValueError(f'{getattr(cfg, "filename", config)}: continued_config needs an '
                         'iteration-based train_cfg (max_iters)')
    sched = Config.fromfile(schedule)
    cfg.merge_from_dict(dict(optim_wrapper=sched.optim_wrapper.to_dict()))
    cfg.optim_wrapper.paramwise_cfg.init_checkpoint = init_checkpoint
    schedulers = copy.deepcopy(sched.param_scheduler)
    for s in schedulers:
        s['T_max'], s['end'] = iters, iters
        if start_factor is not None:
            s['start_factor'] = start_factor
    cfg.param_scheduler = schedulers
    return cfg


def continued_options(init_checkpoint: str,
                      start_factor: Optional[float] = None,
                      schedule: str = CONTINUED_SCHEDULE) -> Dict[str, str]:
    """The same continuation as ``--cfg-options`` of ``tools/train.py`` (key -> value), for a
    config whose first ``param_scheduler`` is an iteration-based cosine (the CamVid configs): the
    optimizer constructor, the checkpoint, and that scheduler turned into the schedule base's
    (its ``T_max``, ``begin``, ``end`` and ``by_epoch`` stay the config's).

    Args:
        init_checkpoint (str): The upstream checkpoint (its existence is checked by the
            constructor when the run starts: it may be built first).
        start_factor (float, optional): As in :func:`continued_config`. Defaults to None.
        schedule (str): The continued schedule base. Defaults to :data:`CONTINUED_SCHEDULE`.
    """
    sched = Config.fromfile(schedule)
    ow = sched.optim_wrapper
    opts = {'optim_wrapper.constructor': ow.constructor,
            'optim_wrapper.paramwise_cfg.init_checkpoint': init_checkpoint}
    keep = ('T_max', 'begin', 'end', 'by_epoch')
    for key, value in sched.param_scheduler[0].items():
        if key not in keep:
            opts[f'param_scheduler.0.{key}'] = str(value)
    if start_factor is not None:
        opts['param_scheduler.0.start_factor'] = str(start_factor)
    return opts
