"""Compute the superpixel masks of a pre-training config's dataset once and cache them on disk.

    python tools/precompute_masks.py \
        configs/selfsup/detcon/detconb_r18-d8-mocofcn_1xb8-300i_toyscenes.py \
        --cache-dir data/mask_cache [--img-root data/toy_scenes] [--nproc 2] [--overwrite]

The config's first mask transform (``FelzenszwalbMasks``, ``SLICMasks``) says which masks, with
which parameters; the transforms before it (``LoadImageFromFile``) load each image exactly as
training does. Files go to ``<cache-dir>/<method_key>/<image path>.png`` (see
``ssl4dp_mm/datasets/transforms/mask_cache.py``). Train with the same ``cache_dir`` (and
``img_root``) set on the mask transform; the command line to add is printed at the end. Images
whose cache file exists are skipped unless ``--overwrite``. Training writes the same files itself
the first time it meets an image (the transform's ``write_cache``, on by default); this tool only
moves that cost ahead of training, e.g. into a CPU job before a GPU one.
"""
import argparse
import copy
import multiprocessing
import os.path as osp
import time

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope


def _mask_transform_index(pipeline: list) -> int:
    from mmselfsup.registry import TRANSFORMS

    from ssl4dp_mm.datasets.transforms.region_masks import CachedRegionMasks
    for i, t in enumerate(pipeline):
        cls = TRANSFORMS.get(t['type']) if isinstance(t, dict) else type(t)
        if isinstance(cls, type) and issubclass(cls, CachedRegionMasks):
            return i
    raise ValueError('the config\'s train pipeline has no cacheable mask transform '
                     '(FelzenszwalbMasks, SLICMasks); grid and label masks need no cache')


def _work(job):
    """Compute and write the masks of some images (runs in a worker process)."""
    from mmcv.transforms import Compose
    from mmselfsup.registry import TRANSFORMS

    import ssl4dp_mm  # noqa: F401  (registers the transforms in a fresh worker)

    init_default_scope('mmselfsup')
    load_cfgs, mask_cfg, infos, overwrite = job
    load = Compose([TRANSFORMS.build(c) for c in load_cfgs])
    transform = TRANSFORMS.build(mask_cfg)
    written = 0
    for info in infos:
        path = transform.cache_file(info['img_path'])
        if not overwrite and osp.isfile(path):
            continue
        transform.compute_to_cache(load(copy.deepcopy(info)))
        written += 1
    return written


def precompute(cfg: Config,
               cache_dir: str = None,
               img_root: str = None,
               overwrite: bool = False,
               nproc: int = 1,
               verbose: bool = True) -> dict:
    """Write the cache for ``cfg.train_dataloader.dataset``.

    Returns:
        dict: ``total`` images, ``written``, ``skipped``, ``seconds``, the transform's ``index`` in
        the pipeline, its ``method_key`` and ``cache_dir``.
    """
    from mmselfsup.registry import DATASETS, TRANSFORMS

    import ssl4dp_mm  # noqa: F401
    init_default_scope('mmselfsup')
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    pipeline = list(dataset_cfg.pop('pipeline'))
    index = _mask_transform_index(pipeline)
    mask_cfg = dict(pipeline[index])
    if cache_dir is not None:
        mask_cfg['cache_dir'] = cache_dir
    if img_root is not None:
        mask_cfg['img_root'] = img_root
    if not mask_cfg.get('cache_dir'):
        raise ValueError('no cache directory: pass --cache-dir or set cache_dir on the mask '
                         'transform in the config')
    method_key = TRANSFORMS.build(mask_cfg).method_key
    dataset = DATASETS.build(dict(dataset_cfg, pipeline=[], lazy_init=False))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    load_cfgs = [dict(c) for c in pipeline[:index]]
    chunks = [infos[i::max(nproc, 1)] for i in range(max(nproc, 1))]
    jobs = [(load_cfgs, mask_cfg, chunk, overwrite) for chunk in chunks if chunk]
    start = time.time()
    if nproc > 1:
        with multiprocessing.get_context('spawn').Pool(nproc) as pool:
            written = sum(pool.map(_work, jobs))
    else:
        written = sum(_work(job) for job in jobs)
    report = dict(total=len(infos), written=written, skipped=len(infos) - written,
                  seconds=time.time() - start, index=index, method_key=method_key,
                  cache_dir=mask_cfg['cache_dir'])
    if verbose:
        print(f'{report["written"]} masks written, {report["skipped"]} already cached, of '
              f'{report["total"]} images, in {report["seconds"]:.1f} s -> '
              f'{mask_cfg["cache_dir"]}/{method_key}/')
        opts = f'train_dataloader.dataset.pipeline.{index}.cache_dir={mask_cfg["cache_dir"]}'
        if mask_cfg.get('img_root'):
            opts += f' train_dataloader.dataset.pipeline.{index}.img_root={mask_cfg["img_root"]}'
        print(f'train with: --cfg-options {opts}')
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('config', help='pre-training config whose train pipeline has a mask '
                        'transform')
    parser.add_argument('--cache-dir', help='cache root (default: the transform\'s cache_dir)')
    parser.add_argument('--img-root', help='key files by the image path relative to this folder '
                        '(default: the transform\'s img_root, else the absolute path)')
    parser.add_argument('--data-root', help='override train_dataloader.dataset.data_root')
    parser.add_argument('--nproc', type=int, default=1, help='worker processes')
    parser.add_argument('--overwrite', action='store_true', help='recompute cached files')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='config overrides')
    args = parser.parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.data_root:
        cfg.train_dataloader.dataset.data_root = args.data_root
    precompute(cfg, args.cache_dir, args.img_root, args.overwrite, args.nproc)


if __name__ == '__main__':
    main()
