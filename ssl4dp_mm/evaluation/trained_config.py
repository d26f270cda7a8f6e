"""The segmentation config of one trained-protocol run (LP-100%, FT-x%, FT-100%).

A run starts from the r18-d8 leaf ``configs/seg/<head>/<head>_r18-d8_<protocol>-<iters>_
<dataset>.py`` named by the manifest (:func:`ssl4dp_mm.manifest.leaf_config`; composed from the
manifest where no such file exists), swaps in a backbone
variant of ``configs/_base_/models/<backbone>.py`` (e.g. ``r18b-d8`` for plain-stem checkpoints),
and sets the data root, the length, the seed and ``load_from``; FT-x% trains on a seeded label
split of the full training set.
"""
import os.path as osp
from typing import List, Optional, Sequence

from mmengine.config import Config

from ..manifest import composed_seg_file
from ..manifest import leaf_config as manifest_leaf
from ..paths import CONFIG_ROOT

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def leaf_config(head: str, protocol: str, dataset: str, backbone: str = 'r18-d8') -> str:
    """The absolute path of the leaf config of a head, protocol, dataset and backbone: the static
    leaf in ``configs/``, or where there is none (e.g. ADE20K, the ResNet-50 rows) the leaf
    composed from the manifest (:func:`ssl4dp_mm.manifest.composed_seg_file`, the same
    ``_base_`` list and overrides a static leaf has), written to a file.

    Raises:
        KeyError: An unknown head, protocol, dataset or backbone (the manifest names the known
            ones).
    """
    path = osp.join(CONFIG_ROOT, manifest_leaf(head, protocol, dataset, backbone))
    return path if osp.isfile(path) else composed_seg_file(head, protocol, dataset, backbone)


def dataset_parts(dataset: dict) -> list:
    """The parts of a dataset config: those of a ConcatDataset, or the dataset itself."""
    return list(dataset['datasets']) if 'datasets' in dataset else [dataset]


def set_data_root(cfg: Config, data_root: str, loaders: Sequence[str] = LOADERS) -> None:
    """Point every part of the datasets of ``loaders`` (those the config has) at ``data_root``."""
    for loader in loaders:
        if cfg.get(loader) is not None:
            for part in dataset_parts(cfg[loader].dataset):
                part.data_root = data_root


def set_iters(cfg: Config, iters: int) -> None:
    """Shorten or lengthen a protocol: iterations, checkpoint interval, and every scheduler's
    ``begin``/``end``/``T_max`` in proportion."""
    old = cfg.train_cfg.max_iters
    cfg.train_cfg.max_iters = iters
    cfg.default_hooks.checkpoint.interval = iters
    for sched in cfg.get('param_scheduler') or []:
        for key in ('begin', 'end', 'T_max'):
            if key in sched:
                sched[key] = int(round(sched[key] * iters / old))


def set_val_interval(cfg: Config, interval: int, name: str = 'the config') -> None:
    """Validate every ``interval`` iterations while training (the points of a learning curve):
    the leaf's validation loader, metric and loop stay, ``train_cfg.val_interval`` and the
    checkpoint interval become ``interval``. mmengine's loop also validates after the last
    iteration and the checkpoint hook saves it (``save_last``), so the final model is validated
    and saved when ``interval`` does not divide the iterations too.

    Args:
        cfg (Config): The run's config (changed in place).
        interval (int): Iterations between validations.
        name (str): The config's name in errors. Defaults to 'the config'.

    Raises:
        ValueError: ``interval`` is below 1.
        KeyError: The config has no ``val_dataloader``, ``val_evaluator`` or ``val_cfg``.
    """
    if interval < 1:
        raise ValueError(f'val_interval must be >= 1, got {interval}')
    for key in ('val_dataloader', 'val_evaluator', 'val_cfg'):
        if not cfg.get(key):
            raise KeyError(f'{name} has no {key}: it cannot validate while training')
    cfg.train_cfg.val_interval = interval
    cfg.default_hooks.checkpoint.interval = interval


def compose_config(head: str, protocol: str, dataset: str, seed: int,
                   load_from: Optional[str] = None, backbone: str = 'r18-d8',
                   data_root: Optional[str] = None, iters: Optional[int] = None,
                   config: Optional[str] = None, cfg_options: Optional[dict] = None,
                   val_interval: Optional[int] = None) -> Config:
    """The config of one run, without the label split of FT-x% (:func:`apply_label_split`).

    The run is tested once, after training, on the test split (= val for these datasets): by
    default the composed config has no validation inside training; with ``val_interval`` it
    validates every ``val_interval`` iterations and at the end (:func:`set_val_interval`), for a
    learning curve. ``leaf_config`` records the leaf it came from (mmengine ignores unknown
    top-level keys).

    Args:
        head (str): A head of the manifest.
        protocol (str): 'lp', 'ft10' or 'ft100'.
        dataset (str): A dataset of the manifest.
        seed (int): The training seed (``randomness.seed``).
        load_from (str, optional): The converted weights. Defaults to None (random init).
        backbone (str): The backbone tag of the leaf (its model base
            ``configs/_base_/models/<head>_<backbone>_seg.py``). Defaults to 'r18-d8'.
        data_root (str, optional): The data root of every dataset. Defaults to None (the leaf's).
        iters (int, optional): The protocol length (schedules scale). Defaults to None (the
            leaf's).
        config (str, optional): This leaf instead of the manifest's (with its own backbone).
            Defaults to None.
        cfg_options (dict, optional): Keys merged last. Defaults to None.
        val_interval (int, optional): Validate every this many iterations (and at the end).
            Defaults to None (no validation while training).
    """
    leaf = config or leaf_config(head, protocol, dataset, backbone)
    cfg = Config.fromfile(leaf)
    if data_root:
        set_data_root(cfg, data_root)
    if iters:
        set_iters(cfg, iters)
    cfg.randomness = dict(seed=seed)
    cfg.load_from = load_from
    if val_interval is None:
        cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
        cfg.train_cfg.pop('val_interval', None)
    else:
        set_val_interval(cfg, val_interval, leaf)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.leaf_config = leaf
    return cfg


def apply_label_split(cfg: Config, source: str, fraction: float, split_seed: int,
                      out_dir: str, data_root: Optional[str] = None) -> List[dict]:
    """FT-x%: write the seeded split of the full training set into ``<out_dir>/splits`` and point
    the run's training set (each part of a ConcatDataset) at it.

    Args:
        cfg (Config): The run's config (changed in place).
        source (str): A config whose training set is the full labelled set (the FT-100% leaf).
        fraction (float): The share of labelled images kept, in (0, 1].
        split_seed (int): The seed of the split (fixed across training seeds).
        out_dir (str): The run's folder.
        data_root (str, optional): The data root of the full set. Defaults to None (the
            source's).

    Returns:
        list[dict]: Per part, ``path`` (the split file), ``num`` (images kept) and ``total``.

    Raises:
        ValueError: The run's training set and the source's have a different number of parts.
    """
    from ..datasets.label_split import make_label_split
    full = Config.fromfile(source)
    if data_root:
        set_data_root(full, data_root, ('train_dataloader', 'val_dataloader'))
    results = make_label_split(full.train_dataloader.dataset, fraction, split_seed,
                               full.val_dataloader.dataset, osp.join(out_dir, 'splits'))
    parts = dataset_parts(cfg.train_dataloader.dataset)
    if len(parts) != len(results):
        raise ValueError(f'the FT-x% train set of the run has {len(parts)} parts, the full one in '
                         f'{source} has {len(results)}')
    for part, res in zip(parts, results):
        part.ann_file = osp.abspath(res['path'])
    return [dict(path=osp.abspath(r['path']), num=len(r['names']), total=r['num_total'])
            for r in results]
