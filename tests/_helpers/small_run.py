"""A segmentation leaf cut down to a few iterations on small data: the smoke runs of the tests that
train every reference-scale and timm / ViT config end to end (``tests/reference``, ...).

Only sizes, lengths and paths change; the model, the protocol and the data pipelines stay those of
the leaf. The pre-training counterpart is library code
(:func:`ssl4dp_mm.benchmarking.small_pretrain.small_pretrain_config`), since the cost benchmark
uses it too.
"""
from typing import Optional, Tuple

from mmengine.config import Config

from ssl4dp_mm.benchmarking.small_pretrain import small_run_settings, walk_dicts
from ssl4dp_mm.evaluation.trained_config import dataset_parts


def small_seg_config(cfg: Config, data_root: str, load_from: Optional[str], work_dir: str,
                     crop: int = 64, iters: int = 2, batch: int = 2,
                     image_size: Tuple[int, int] = (128, 64)) -> Config:
    """A segmentation leaf cut down to ``iters`` iterations on a small copy of its data.

    Images resized within ``image_size`` (``RandomResize`` keeps its ratio range), ``crop`` px
    crops, cosine schedules shortened to ``iters``, validation off (test once, after training,
    with ``runner.test()``); model, protocol and the rest stay the leaf's.

    Args:
        cfg (Config): The segmentation config (changed in place and returned).
        data_root (str): Root of the small dataset, for every part of every split.
        load_from (str, optional): Converted weights to start from.
        work_dir (str): Work dir.
        crop (int): Crop size. Defaults to 64.
        iters (int): Training iterations. Defaults to 2.
        batch (int): Batch size. Defaults to 2.
        image_size (tuple[int, int]): (long, short) edge bound of the resizes.
            Defaults to (128, 64).

    Returns:
        Config: ``cfg``.
    """
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        for part in dataset_parts(cfg[loader].dataset):
            part.data_root = data_root

    def shrink(d):
        t = d.get('type')
        if t in ('RandomResize', 'Resize'):
            d['scale'] = tuple(image_size)
        elif t == 'RandomCrop':
            d['crop_size'] = (crop, crop)
        elif t == 'Pad':
            d['size'] = (crop, crop)

    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        walk_dicts(cfg[loader], shrink)
    cfg.model.data_preprocessor.size = (crop, crop)
    cfg.load_from = load_from
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=iters, val_interval=10 * iters)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.param_scheduler = [dict(s, T_max=iters, end=iters) if 'T_max' in s else s
                           for s in cfg.get('param_scheduler') or []]
    return small_run_settings(cfg, work_dir, iters, batch)
