"""A reference pre-training config cut down to a few iterations on small data, for measuring its
step (``benchmarks/reference_cost.py``) and for smoke runs of every reference config.

Only sizes, lengths and paths change; the model, the optimizer constructor, the schedule types and
the data pipelines stay those of the config.
"""
import os.path as osp
from typing import Tuple

from mmengine.config import Config

from ..evaluation.trained_config import dataset_parts


def walk_dicts(obj, fn) -> None:
    """Call ``fn`` on every dict inside ``obj`` (nested dicts and lists), outermost first."""
    if isinstance(obj, dict):
        fn(obj)
        for v in obj.values():
            walk_dicts(v, fn)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            walk_dicts(v, fn)


def small_pretrain_config(cfg: Config, data_root: str, init_checkpoint: str, work_dir: str,
                          view: int = 32, queue: int = 64, iters: int = 2, batch: int = 2,
                          image_size: Tuple[int, int] = (128, 64),
                          mask_area: int = 16) -> Config:
    """A reference pre-training config cut down to ``iters`` iterations of batch ``batch`` on a
    small copy of its data (``ssl4dp_mm.datasets.reference_layouts``).

    Views of ``view`` px (small multi-crops half that), queues of ``queue`` entries, the
    Cityscapes halving resized to ``image_size`` (the small images' own size), Felzenszwalb
    areas of ``mask_area`` px, the mask cache in ``work_dir``, an iteration loop; schedule,
    optimizer constructor, model and the rest stay the config's.

    Args:
        cfg (Config): The pre-training config (changed in place and returned).
        data_root (str): Root of the small dataset, for every part of the training set.
        init_checkpoint (str): The checkpoint to continue from.
        work_dir (str): Work dir (checkpoints, logs, mask cache).
        view (int): View size. Defaults to 32.
        queue (int): Length of every queue. Defaults to 64.
        iters (int): Training iterations. Defaults to 2.
        batch (int): Batch size. Defaults to 2.
        image_size (tuple[int, int]): (w, h) for a resize before the views. Defaults to (128, 64).
        mask_area (int): Felzenszwalb ``scale`` and ``min_size``. Defaults to 16.

    Returns:
        Config: ``cfg``.
    """
    for part in dataset_parts(cfg.train_dataloader.dataset):
        part.data_root = data_root

    def shrink(d):
        t = d.get('type')
        if t == 'RandomResizedCropWithCoord':
            d['size'] = view
        elif t == 'ConstrainedMultiCrop':
            d['large_size'], d['small_size'] = view, view // 2
        elif t == 'mmcv.Resize':  # Cityscapes' halving: keep the tiny image as it is
            d['scale'] = tuple(image_size)
        elif t == 'FelzenszwalbMasks':
            d['scale'] = d['min_size'] = mask_area
        if d.get('cache_dir'):
            d['cache_dir'] = osp.join(work_dir, 'mask_cache')

    walk_dicts(cfg.train_dataloader, shrink)
    for key in ('queue_len', 'img_queue_len'):
        if key in cfg.model:
            cfg.model[key] = queue
    cfg.optim_wrapper.paramwise_cfg.init_checkpoint = init_checkpoint
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=iters)
    return small_run_settings(cfg, work_dir, iters, batch)


def small_run_settings(cfg: Config, work_dir: str, iters: int, batch: int) -> Config:
    """What every cut-down run sets: the batch, a log line and one checkpoint per run, the work
    dir, and an experiment (and visualizer) name of its own (MMEngine shares visualizers by
    name, so two Runners in one process need two names).

    Args:
        cfg (Config): The config (changed in place and returned).
        work_dir (str): Work dir.
        iters (int): Training iterations (the checkpoint interval).
        batch (int): Batch size.

    Returns:
        Config: ``cfg``.
    """
    cfg.merge_from_dict({
        'train_dataloader.batch_size': batch,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': iters,
    })
    cfg.work_dir = work_dir
    cfg.experiment_name = f'test_{osp.basename(work_dir)}'
    if cfg.get('visualizer'):
        cfg.visualizer.name = cfg.experiment_name
    return cfg
