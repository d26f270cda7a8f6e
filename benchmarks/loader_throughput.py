"""DataLoader throughput of each pre-training method's real pipeline at reference image size, with
superpixel masks computed every epoch or cached, against the rate a GPU consumes.

    nice -n 19 python benchmarks/loader_throughput.py [--methods plmoco-dec detcons-dec ...] \
        [--workers 1 2 4 8] [--images 64] [--batch 4] [--image-size 375 500] \
        [--out benchmarks/results/loader_throughput_cpu.md]

What is measured, per method of the CamVid benchmark (``benchmarks/camvid_quality.py``):

- the pipeline: the method's ResNet-50 VOC 2012 aug reference config
  (``configs/selfsup/<method>/*_r50b-d8*_1xb16-20e_voc12aug_from-mocov2.py``: 224 px views), its
  dataset, pipeline and collate function unchanged; patch rotation has no VOC config, so its CamVid
  pipeline runs on the VOC images with the views set to 224 px (:data:`METHODS`). Methods whose
  pipelines are the same are measured once and share a row;
- the data: a generated VOC aug layout (``ssl4dp_mm.datasets.reference_layouts``) of ``--images``
  JPEG images at ``--image-size`` (VOC's own size, about 500x375, by default);
- masks: the Felzenszwalb / SLIC pipelines twice, computed every epoch (``cache_dir=None``) and read
  from the cache that the transform wrote at first use (filled by one epoch before, whose rate is
  reported too);
- per core: the pipeline over ``--cpu-images`` images in one process with one thread, divided by
  its CPU time (images per CPU-second): what a worker with a core of its own gives, however loaded
  the machine is while it is measured;
- the loader: a ``torch.utils.data.DataLoader`` with 1..N persistent worker processes (fork, one
  thread each, as mmengine starts them), batch ``--batch`` (the rate per image does not depend on
  it; small batches keep the epoch's tail short). A warm-up epoch of one batch per worker starts
  the workers; the timed epoch (wall time) is then every image once. Images/s counts images (each
  with all of its views).

On a machine with C cores, more than C workers share them, so wall rates stop growing at about C
workers (sooner on a machine shared with other jobs). The table compares the per-core rate with
what a GPU consumes: MoCo v2 on ResNet-50 at 224 px trains 200 ImageNet epochs in 53 h on 8 V100s
(Chen et al. 2020), 168 images/s per GPU (DenseCL: about the same); the dilated ResNet-50-d8
encoders of the reference configs do more work per image, so they consume fewer. The table is
printed and written, with the machine and its load, to ``--out`` (and the rows to its ``.json``).
"""
import os

for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):  # as mmengine's workers
    os.environ.setdefault(_var, '1')

import argparse  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os.path as osp  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from ssl4dp_mm.benchmarking.pipeline_edits import set_view_size  # noqa: E402
from ssl4dp_mm.benchmarking.results_file import cost_header, write_results  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

VOC = 'configs/selfsup/{0}/{1}_r50b-d8{2}_1xb16-20e_voc12aug_from-mocov2.py'
# CamVid benchmark name: (config, label); a (camvid config, ) tuple marks a method without a VOC
# config, whose CamVid pipeline runs on the VOC images at 224 px
METHODS = {
    'mocov2': (VOC.format('mocov2', 'mocov2', ''), 'MoCo v2 (MMSelfSup)'),
    'densecl': (VOC.format('densecl', 'densecl', ''), 'DenseCL (MMSelfSup)'),
    'mocodec-dec': (VOC.format('mocodec', 'mocodec', '-mocofcn'), 'MoCo w/dec'),
    'plmoco': (VOC.format('plmoco', 'plmoco', ''), 'PLMoCo w/o dec'),
    'plmoco-dec': (VOC.format('plmoco', 'plmoco', '-mocofcn'), 'PLMoCo w/dec'),
    'plmocoplus-dec': (VOC.format('plmocoplus', 'plmocoplus', '-mocofcn'), 'PLMoCo+ w/dec'),
    'edmoco-dec': (VOC.format('mocodec', 'edmoco', '-mocofcn'), 'EDMoCo'),
    'pledmoco-dec': (VOC.format('plmoco', 'pledmoco', '-mocofcn'), 'PLEDMoCo'),
    'plsiam-dec': (VOC.format('plsiam', 'plsiam', '-mocofcn'), 'PLSiam w/dec'),
    'prcl-dec': (VOC.format('prcl', 'prcl', '-mocofcn'), 'PRCL w/dec'),
    'p2vec-dec': (VOC.format('p2vec', 'p2vec', '-mocofcn'), 'P2Vec w/dec'),
    'plr-dec': (('configs/selfsup/plr/plr_r18-d8-mocofcn_1xb16-120i_camvid.py', ),
                'Patch rotation w/dec'),
    'mocomc-dec': (VOC.format('mocomc', 'mocomc', '-mocofcn'), 'MoCo w/dec + multi-crop'),
    'rlmoco-dec': (VOC.format('rlmoco', 'rlmoco', '-mocofcn'), 'RLMoCo w/dec'),
    'detcons-dec': (VOC.format('detcon', 'detcons', '-mocofcn'), 'DetCon-S w/dec'),
    'detconb-dec': (VOC.format('detcon', 'detconb', '-mocofcn'), 'DetCon-B w/dec'),
}
VOC_BASE = 'configs/_base_/datasets/voc12aug_selfsup.py'  # the dataset of a CamVid-only method
VIEW_SIZE = 224
MASK_TYPES = ('FelzenszwalbMasks', 'SLICMasks')
# MoCo v2, ResNet-50, 224 px: 200 ImageNet epochs (1,281,167 images) in 53 h on 8 V100s
GPU_IMAGES_PER_S = 1281167 * 200 / (53 * 3600) / 8


def _walk(node, fn):
    if isinstance(node, dict):
        fn(node)
        for value in node.values():
            _walk(value, fn)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _walk(item, fn)


def method_dataset_cfg(name: str):
    """The train dataset config of a method at 224 px views (see :data:`METHODS`)."""
    from mmengine.config import Config
    spec = METHODS[name][0]
    if isinstance(spec, str):
        return Config.fromfile(osp.join(ROOT, spec)).train_dataloader.dataset
    cfg = Config.fromfile(osp.join(ROOT, spec[0]))
    dataset = copy.deepcopy(Config.fromfile(osp.join(ROOT, VOC_BASE)).train_dataloader.dataset)
    # the CamVid pipeline without its halving to 240x180, views at the reference size
    pipeline = [t for t in cfg.train_dataloader.dataset.pipeline if t['type'] != 'mmcv.Resize']
    if not set_view_size(pipeline, VIEW_SIZE):
        raise ValueError(f'{spec[0]}: no random-resized crop to set to {VIEW_SIZE} px')
    dataset.pipeline = pipeline
    return dataset


def mask_transforms(dataset_cfg) -> list:
    found = []
    _walk(dataset_cfg.pipeline, lambda d: found.append(d) if d.get('type') in MASK_TYPES else 0)
    return found


def groups(names: list) -> list:
    """Methods with the same dataset pipeline, measured once: [(pipeline text, cfg, [names])]."""
    out = []
    for name in names:
        cfg = method_dataset_cfg(name)
        text = json.dumps(cfg.to_dict(), sort_keys=True, default=str)
        for group in out:
            if group[0] == text:
                group[2].append(name)
                break
        else:
            out.append((text, cfg, [name]))
    return out


def pipeline_label(dataset_cfg) -> str:
    types = []
    _walk(dataset_cfg.pipeline, lambda d: types.append(d.get('type')))
    parts = []
    if 'ConstrainedMultiCrop' in types:
        parts.append('multi-crop 2x224 + 4x96, AutoAugment')
    elif 'MultiViewWithCoord' in types:
        parts.append('two 224 px views')
    else:
        parts.append('one 224 px view')
    if 'PatchRotation' in types:
        parts.append('patch rotation')
    if 'FelzenszwalbMasks' in types:
        parts.append('Felzenszwalb masks')
    if 'SLICMasks' in types:
        parts.append('SLIC masks')
    return ' + '.join(parts)


class _Indices:
    """A sampler whose indices can change between epochs (warm-up, then every image)."""

    def __init__(self, indices):
        self.indices = list(indices)

    def __iter__(self):
        return iter(self.indices)

    def __len__(self):
        return len(self.indices)


def measure(dataset, collate, workers: int, batch: int) -> dict:
    """Images/s of one epoch over ``dataset`` through ``workers`` persistent worker processes."""
    from torch.utils.data import DataLoader
    n = len(dataset)
    sampler = _Indices(range(min(n, workers * batch)))  # one batch per worker starts them all
    loader = DataLoader(dataset, batch_size=batch, sampler=sampler, num_workers=workers,
                        collate_fn=collate, persistent_workers=True,
                        multiprocessing_context='fork')
    start = time.perf_counter()
    for _ in loader:
        pass
    warmup_s = time.perf_counter() - start
    sampler.indices = list(range(n))
    it = iter(loader)  # resets the workers (off the clock)
    start = time.perf_counter()
    count = 0
    for data in it:
        count += len(data['data_samples'])  # one per image (inputs: one tensor per view)
    seconds = time.perf_counter() - start
    del it, loader
    if count != n:
        raise RuntimeError(f'the loader gave {count} images of {n}')
    return dict(images_per_s=n / seconds, seconds=seconds, warmup_s=warmup_s)


def cpu_rate(dataset, images: int) -> float:
    """Images per CPU-second of the pipeline in this process (one thread): what one core that
    does nothing else gives, however loaded the machine is while it is measured."""
    start = time.process_time()
    for i in range(images):
        dataset[i % len(dataset)]
    return images / (time.process_time() - start)


def build(dataset_cfg, data_root: str, cache_dir=False):
    """The dataset (masks: ``cache_dir`` False keeps the config's, None computes every time)."""
    from mmselfsup.registry import DATASETS
    cfg = copy.deepcopy(dataset_cfg)
    cfg.data_root = data_root
    if cache_dir is not False:
        for t in mask_transforms(cfg):
            t.update(cache_dir=cache_dir, img_root=data_root)
    return DATASETS.build(cfg)


def run(args) -> list:
    import cv2
    import torch
    from mmengine.config import Config
    from mmengine.registry import FUNCTIONS, init_default_scope

    import ssl4dp_mm  # noqa: F401
    from ssl4dp_mm.datasets.reference_layouts import make_voc_aug
    cv2.setNumThreads(0)  # mmengine's env_cfg for the workers (opencv_num_threads=0)
    torch.set_num_threads(1)
    init_default_scope('mmselfsup')
    h, w = args.image_size
    data_root = make_voc_aug(
        osp.join(args.data_root, f'voc_{h}x{w}_{args.images}'),
        {'train': args.images // 2, 'aug': args.images - args.images // 2, 'val': 1}, size=(h, w))
    collate_cfg = Config.fromfile(osp.join(ROOT, VOC_BASE)).train_dataloader.collate_fn
    collate = FUNCTIONS.get(collate_cfg['type'])
    rows = []
    with tempfile.TemporaryDirectory(prefix='loader_cache_') as tmp:
        for gi, (_, cfg, names) in enumerate(groups(args.methods)):
            masks = bool(mask_transforms(cfg))
            variants = [('computed', None), ('cached', osp.join(tmp, str(gi)))] if masks else \
                [('-', False)]
            for variant, cache_dir in variants:
                dataset = build(cfg, data_root, cache_dir)
                dataset[0]  # lazy imports and first reads in this process, before the fork
                row = dict(methods=names, labels=[METHODS[n][1] for n in names],
                           pipeline=pipeline_label(cfg), masks=variant, rates={})
                if variant == 'cached':  # one epoch that writes the cache at first use
                    os.makedirs(cache_dir, exist_ok=True)
                    first = measure(dataset, collate, min(max(args.workers), os.cpu_count()),
                                    args.batch)
                    row['first_epoch'] = dict(first, workers=min(max(args.workers),
                                                                 os.cpu_count()))
                    written = sum(len(f) for _, _, f in os.walk(cache_dir))
                    if written != len(dataset):
                        raise RuntimeError(f'{written} masks cached of {len(dataset)} images')
                print(f'[{gi + 1}] {", ".join(names)}: {row["pipeline"]}'
                      + (f', masks {variant}' if masks else ''), flush=True)
                row['per_core'] = cpu_rate(dataset, min(args.images, args.cpu_images))
                row['workers_for_gpu'] = math.ceil(args.gpu_rate / row['per_core'])
                print(f'    {row["per_core"]:.1f} images per CPU-second', flush=True)
                for workers in args.workers:
                    result = measure(dataset, collate, workers, args.batch)
                    row['rates'][workers] = result['images_per_s']
                    print(f'    {workers} worker(s): {result["images_per_s"]:.1f} images/s',
                          flush=True)
                rows.append(row)
    return rows


def table(rows: list, args, load: tuple = ()) -> str:
    """The results page: header, how it was measured, the table, the notes."""
    cores = os.cpu_count()
    h, w = args.image_size
    # the header's device line: cores, one thread per worker
    lines = cost_header('DataLoader throughput of the pre-training pipelines (VOC aug layout, '
                        f'{w}x{h} images, 224 px views), CPU', 'cpu', 1)
    lines += [
        f'`nice -n 19 python benchmarks/loader_throughput.py --images {args.images} --batch '
        f'{args.batch} --workers {" ".join(map(str, args.workers))}`'
        + (f'; load average {load[0]:.1f} before, {load[1]:.1f} after.' if load else '.'), '',
        'Each method runs its ResNet-50 VOC reference config\'s own dataset pipeline and collate '
        '(patch rotation: its CamVid pipeline at 224 px, as it has no VOC config) on generated '
        f'JPEG images at {w}x{h} (VOC\'s size); methods whose pipelines are the same share a '
        'row. An image counts once with all its views. Masks: "computed" runs Felzenszwalb / '
        'SLIC on every image every epoch (`cache_dir=None`); "cached" reads the 16-bit PNG the '
        'transform wrote the first time it met the image (the configs\' default).', '',
        f'- **images / CPU-s**: {min(args.images, args.cpu_images)} images through the pipeline in '
        'one process with one thread, divided by its CPU time: what one worker on a core of its '
        'own gives, whatever else the machine runs.',
        f'- **N workers**: images/s of one epoch over {args.images} images through a DataLoader '
        f'with N persistent fork workers (one thread each), batch {args.batch}, after a warm-up '
        'batch per worker; wall time, so it depends on the load of the machine.',
        f'- **workers for GPU**: {args.gpu_rate:.0f} images/s (what a V100 consumes with MoCo v2 '
        'on a plain ResNet-50 at 224 px: 200 ImageNet epochs in 53 h on 8 V100s, Chen et al. '
        '2020; DenseCL reports about the same cost) / images per CPU-second, rounded up: the '
        'free cores one such GPU needs for its loader. The dilated ResNet-50-d8 of the reference '
        'configs consumes fewer images/s than that; faster GPUs consume more.', '',
        f'**This machine has {cores} cores, shared with other jobs while this ran** (nice 19): '
        f'more than {cores} workers oversubscribe them, so the columns beyond {cores} workers show '
        'oversubscription, not scaling, and every wall-time column is lower than on an idle '
        'machine. The per-CPU-second rate is what carries over: a machine with C free cores gives '
        'about C times it. **Absolute rates are machine-dependent.**', '',
        '| methods | pipeline | masks | images / CPU-s | '
        + ' | '.join(f'{n} worker{"s" * (n > 1)}' for n in args.workers) + ' | workers for GPU |',
        '|---|---|---|---:|' + '---:|' * (len(args.workers) + 1)]
    for r in rows:
        rates = ' | '.join(f'{r["rates"][n]:.1f}' for n in args.workers)
        lines.append(f'| {", ".join(r["labels"])} | {r["pipeline"]} | {r["masks"]} | '
                     f'{r["per_core"]:.1f} | {rates} | {r["workers_for_gpu"]} |')
    firsts = [r for r in rows if 'first_epoch' in r]
    if firsts:
        lines += ['', 'First epoch of the cached rows (the transform computes each mask and writes '
                  'it to the cache): ' + '; '.join(
                      f'{r["pipeline"]}: {r["first_epoch"]["images_per_s"]:.1f} images/s with '
                      f'{r["first_epoch"]["workers"]} workers' for r in firsts) + '.']
    slow = [r for r in rows if r['workers_for_gpu'] > 8]
    if slow:
        lines += ['', 'Rows that 8 workers per GPU cannot feed: ' + '; '.join(
            f'{", ".join(r["labels"])}'
            + (f' with masks {r["masks"]}' if r['masks'] != '-' else '')
            + f' ({r["workers_for_gpu"]} workers)' for r in slow) + '.']
    return '\n'.join(lines) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--methods', nargs='+', choices=list(METHODS), default=list(METHODS))
    parser.add_argument('--workers', nargs='+', type=int, default=[1, 2, 4, 8])
    parser.add_argument('--images', type=int, default=64, help='images per epoch')
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--cpu-images', type=int, default=24,
                        help='images whose CPU time gives the rate per core')
    parser.add_argument('--image-size', nargs=2, type=int, default=[375, 500],
                        metavar=('H', 'W'), help='generated image size (VOC: about 375x500)')
    parser.add_argument('--gpu-rate', type=float, default=GPU_IMAGES_PER_S,
                        help='images/s one GPU consumes (default: MoCo v2 R50 on a V100)')
    parser.add_argument('--data-root', default=osp.join(ROOT, 'work_dirs', 'bench_loader'))
    parser.add_argument('--out', default=osp.join(ROOT, 'benchmarks', 'results',
                                                  'loader_throughput_cpu.md'))
    args = parser.parse_args(argv)
    if min(args.workers) < 1 or args.images < max(args.workers) * args.batch:
        parser.error('--workers must be >= 1 and --images at least max(workers) x batch')
    load_before = os.getloadavg()[0]
    rows = run(args)
    text = table(rows, args, (load_before, os.getloadavg()[0]))
    print('\n' + text)
    write_results(args.out, text, dict(
        images=args.images, batch=args.batch, image_size=args.image_size, workers=args.workers,
        cpu_images=min(args.images, args.cpu_images), gpu_rate=args.gpu_rate,
        cores=os.cpu_count(), rows=rows))
    return rows


if __name__ == '__main__':
    main()
