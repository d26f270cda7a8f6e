"""Superpixel throughput: images per second on one core at 224x224, computed versus cached.

    python benchmarks/superpixel_throughput.py [--num-images 24] \
        [--out benchmarks/results/superpixels.md]

Times the mask transforms themselves (the image is already decoded) in this one process, with
numeric libraries held to one thread, on generated 224x224 toy scenes: SLIC, Felzenszwalb with
DetCon's parameters (scale 1000, min_size 1000, as used on full-resolution ImageNet) and with
those scaled to a 224x224 image, the cache (reading the 16-bit PNG that tools/precompute_masks.py
writes), and a 4x4 grid for reference. Prints a table and writes it, with the machine, versions and
date, to --out. Absolute numbers depend on the machine (and on its load).
"""
import os

for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):  # one core
    os.environ.setdefault(_var, '1')

import argparse  # noqa: E402
import os.path as osp  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

cv2.setNumThreads(1)
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
FH_AREA_SCALE = 224 * 224 / (500 * 375)  # DetCon's FH parameters are areas at ~500x375


def methods(cache_dir: str):
    scaled = int(round(1000 * FH_AREA_SCALE))
    return [
        ('SLIC (n_segments=64, compactness=10)', dict(type='SLICMasks', n_segments=64)),
        ('Felzenszwalb (scale=1000, min_size=1000; DetCon)',
         dict(type='FelzenszwalbMasks', scale=1000, sigma=0.8, min_size=1000)),
        (f'Felzenszwalb (scale={scaled}, min_size={scaled}; area-scaled to 224 px)',
         dict(type='FelzenszwalbMasks', scale=scaled, sigma=0.8, min_size=scaled)),
        ('cached Felzenszwalb (16-bit PNG read)',
         dict(type='FelzenszwalbMasks', scale=1000, sigma=0.8, min_size=1000, cache_dir=cache_dir)),
        ('4x4 grid (reference)', dict(type='GridMasks', grid=4)),
    ]


def run(num_images: int, out: str) -> list:
    from mmengine.registry import init_default_scope
    from mmselfsup.registry import TRANSFORMS

    import ssl4dp_mm  # noqa: F401
    from ssl4dp_mm.benchmarking.results_file import cpu_description, today, versions, write_markdown
    from ssl4dp_mm.datasets.toy_scenes import make_scene
    from ssl4dp_mm.datasets.transforms import mask_cache
    init_default_scope('mmselfsup')

    rng = np.random.default_rng(0)
    images = [make_scene(rng, size=(224, 224))[0][..., ::-1].copy() for _ in range(num_images)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = [osp.join(tmp, 'img', f'{i:03d}.png') for i in range(num_images)]
        table = methods(osp.join(tmp, 'cache'))
        for name, cfg in table:
            t = TRANSFORMS.build(cfg)
            if 'cache_dir' in cfg:  # fill the cache first (what precompute_masks.py does)
                for img, path in zip(images, paths):
                    mask_cache.save_mask(t.cache_file(path),
                                         t.compute_from_results(dict(img=img)))
            t(dict(img=images[0], img_path=paths[0]))  # warm-up
            segments = []
            start = time.perf_counter()
            for img, path in zip(images, paths):
                segments.append(int(t(dict(img=img, img_path=path))['masks'].max()) + 1)
            seconds = time.perf_counter() - start
            rows.append(dict(method=name, ips=num_images / seconds,
                             ms=1000 * seconds / num_images, segments=float(np.mean(segments))))

    header = '| masks | images/s (1 core) | ms / image | segments / image |\n|---|---:|---:|---:|'
    lines = [f'| {r["method"]} | {r["ips"]:.1f} | {r["ms"]:.2f} | {r["segments"]:.1f} |'
             for r in rows]
    print(header)
    print('\n'.join(lines))
    used = versions('python', 'numpy', 'skimage', 'cv2', sep=', ',
                    labels=dict(python='Python', numpy='NumPy', skimage='scikit-image',
                                cv2='OpenCV'))
    text = f"""# Superpixel throughput

Made by `python benchmarks/superpixel_throughput.py --num-images {num_images}` on
{today()}.

- Machine: {cpu_description()}.
- Versions: {used}.
- {num_images} generated 224x224 toy scenes, one process, numeric libraries held to one thread; the
  time of the mask transform alone (image already decoded), after one warm-up call.

**Absolute numbers are machine-dependent** (and depend on the machine's load at the time); the
ratios between rows are what carries over.

{header}
{chr(10).join(lines)}

The cached row reads the 16-bit PNG that `tools/precompute_masks.py` writes
(`<cache_dir>/<method_key>/<image>.png`); DetCon's Felzenszwalb parameters are areas in pixels for
full-resolution ImageNet images (about 500x375), so the area-scaled row is what a 224x224 image
needs to get segments of the same relative size.
"""
    write_markdown(out, text)
    print(f'written to {out}')
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--num-images', type=int, default=24)
    parser.add_argument('--out', default=osp.join(ROOT, 'benchmarks', 'results', 'superpixels.md'))
    args = parser.parse_args(argv)
    run(args.num_images, args.out)


if __name__ == '__main__':
    main()
