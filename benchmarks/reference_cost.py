"""What the reference-scale runs cost: pre-training step time of every reference config as a ratio
to MMSelfSup's MoCo v2 on the same backbone (measured on this machine), FLOPs per step, and the GPU
hours they imply under a stated assumption; the same for the segmentation protocols.

    python benchmarks/reference_cost.py [--view 112] [--batch 2] [--steps 3] [--threads 2]
        [--tflops 30] [--configs ...] [--out benchmarks/results/reference_cost.md]

Pre-training: each VOC aug config (``configs/selfsup/*/*_r50b-d8*_voc12aug_from-mocov2.py``; the
Cityscapes configs have the same model and views, so the same step) is cut down by
:func:`ssl4dp_mm.benchmarking.small_pretrain.small_pretrain_config` to ``--view`` px views and
batch ``--batch`` on a generated VOC aug copy of 160x224 images (masks precomputed, as the configs'
mask cache does after the first epoch), continued from a random torchvision ResNet-50 in
facebookresearch/moco's layout; the median of ``--steps`` ``train_step`` calls after one warm-up
is its step time, and one more step under ``torch.utils.flop_counter`` its FLOPs. Segmentation:
one training step of each head at ``--seg-crop`` px crops, batch 2 (FLOPs and time; LP counted
with its frozen parts).

GPU estimate. Assumption A (scaling): a step's FLOPs grow with pixels x batch from the measured
size to the reference one (224 px views at batch 16: x (224 / view)^2 x 16 / batch; 512x512 or
512x1024 crops at batch 16): exact for the convolutions, which are nearly all of it; the
cell-matching losses grow faster and are underestimated. Assumption B (throughput): one GPU
sustains ``--tflops`` TFLOP/s on these steps (default 30: what an A100 reaches training a
ResNet-50 in TF32, ~800 images/s at 224 px; an H100 or AMP is ~2x faster). GPU hours =
FLOPs per reference step x iterations / throughput. The CPU time ratio to MoCo v2 is printed beside
it as a check of the FLOP count (memory-bound parts weigh more on a CPU).
"""
import argparse
import glob
import os.path as osp
import platform
import statistics
import tempfile
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
REFERENCE = 'configs/selfsup/mocov2/mocov2_r50b-d8_1xb16-20e_voc12aug_from-mocov2.py'
VOC_ITERS = 20 * (10582 // 16)  # 13,220
CITY_ITERS = 20 * (2975 // 16)  # 3,700; PLMoCo+ 50 epochs: 9,250
SEG = {  # head -> VOC leaves (LP, FT); Cityscapes doubles the crop (512x1024)
    'mocofcn': 'configs/seg/mocofcn/mocofcn_r50b-d8_{}_voc12aug.py',
    'psp': 'configs/seg/pspnet/pspnet_r50b-d8_{}_voc12aug.py',
    'aspp': 'configs/seg/deeplabv3/deeplabv3_r50b-d8_{}_voc12aug.py',
}
PROTOCOLS = {'voc': dict(ft10=5000, lp=3000, ft100=30000),
             'cityscapes': dict(ft10=15000, lp=9000, ft100=90000)}


def default_configs() -> list:
    found = sorted(
        glob.glob(osp.join(ROOT, 'configs/selfsup/*/*_r50b-d8*_voc12aug_from-mocov2.py')))
    rel = [osp.relpath(p, ROOT) for p in found]
    return [REFERENCE] + [r for r in rel if r != REFERENCE]


def measure(step, steps: int):
    """Median seconds of ``steps`` calls after one warm-up, and the FLOPs of one more call."""
    from torch.utils.flop_counter import FlopCounterMode
    step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    with FlopCounterMode(display=False) as counter:
        step()
    return statistics.median(times), counter.get_total_flops()


def pretrain_step(rel: str, data_root: str, init: str, work: str, args):
    import torch
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner
    from mmselfsup.registry import MODELS

    from ssl4dp_mm.benchmarking.small_pretrain import small_pretrain_config
    init_default_scope('mmselfsup')
    cfg = small_pretrain_config(Config.fromfile(osp.join(ROOT, rel)), data_root, init, work,
                                view=args.view, batch=args.batch, queue=4096,
                                image_size=(224, 160), mask_area=64)
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    batch = next(iter(loader))  # masks computed here once (then cached)
    model.train()
    return measure(lambda: model.train_step(batch, wrapper), args.steps)


def seg_step(rel: str, crop, args):
    import torch
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from mmengine.structures import PixelData
    from mmseg.registry import MODELS
    from mmseg.structures import SegDataSample
    init_default_scope('mmseg')
    cfg = Config.fromfile(osp.join(ROOT, rel))
    cfg.model.data_preprocessor.size = crop
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    samples = []
    for _ in range(2):  # batch 2: PSP / ASPP pool to 1x1 before a BatchNorm
        sample = SegDataSample(gt_sem_seg=PixelData(data=torch.randint(0, 21,
                                                                       (1, ) + tuple(crop))))
        sample.set_metainfo(dict(img_shape=tuple(crop), ori_shape=tuple(crop),
                                 pad_shape=tuple(crop)))
        samples.append(sample)
    data = dict(inputs=[torch.randint(0, 255, (3, ) + tuple(crop), dtype=torch.uint8)
                        for _ in samples], data_samples=samples)
    model.train()
    return measure(lambda: model.train_step(data, wrapper), args.steps)


def hours(flops_per_step: float, iters: int, tflops: float) -> float:
    return flops_per_step * iters / (tflops * 1e12) / 3600


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--configs', nargs='+', help='pre-training configs (default: every VOC '
                        'reference config, MMSelfSup MoCo v2 first)')
    parser.add_argument('--view', type=int, default=112)
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--seg-crop', type=int, default=128)
    parser.add_argument('--tflops', type=float, default=30.0, help='assumed sustained TFLOP/s')
    parser.add_argument('--out', default=osp.join(ROOT, 'benchmarks/results/reference_cost.md'))
    args = parser.parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    import ssl4dp_mm  # noqa: F401
    from ssl4dp_mm.benchmarking.results_file import environment_line, versions, write_results
    from ssl4dp_mm.checkpoints.safe_io import save_checkpoint_atomic
    from ssl4dp_mm.datasets.reference_layouts import make_voc_aug
    configs = args.configs or default_configs()
    if configs[0] != REFERENCE:
        configs = [REFERENCE] + [c for c in configs if c != REFERENCE]
    scale = (224 / args.view) ** 2 * 16 / args.batch
    rows, started = [], time.time()
    with tempfile.TemporaryDirectory() as tmp:
        voc = make_voc_aug(tmp, dict(train=8, aug=8, val=2), size=(160, 224))
        import torchvision
        tv = torchvision.models.resnet50().state_dict()
        init = osp.join(tmp, 'moco_v2_800ep_pretrain.pth.tar')
        save_checkpoint_atomic(dict(state_dict={f'module.encoder_q.{k}': v for k, v in tv.items()}),
                               init)
        for rel in configs:
            try:
                sec, flops = pretrain_step(rel, voc, init, osp.join(tmp, 'work'), args)
            except Exception as err:  # one failure must not hide the others' figures
                rows.append((rel, None, None, f'{type(err).__name__}: {err}'))
                print(f'{rel}: failed: {err}', flush=True)
                continue
            rows.append((rel, sec, flops, None))
            print(f'{rel}: {sec * 1e3:.0f} ms/step, {flops / 1e9:.1f} GFLOP/step', flush=True)
        seg_rows = []
        for head, pattern in SEG.items():
            for proto, tag in (('lp', 'lp-3k'), ('ft100', 'ft100-30k')):
                sec, flops = seg_step(pattern.format(tag), (args.seg_crop, args.seg_crop), args)
                seg_rows.append((head, proto, sec, flops))
                print(f'{head} {proto}: {sec * 1e3:.0f} ms/step, {flops / 1e9:.1f} GFLOP/step',
                      flush=True)
    ref_sec, ref_flops = rows[0][1], rows[0][2]
    lines = [
        '# Reference-scale cost: pre-training and segmentation steps, ResNet-50 (r50b-d8)', '',
        environment_line(platform.machine(), f'{args.threads} threads', versions('torch'),
                         f'{time.time() - started:.0f} s'), '',
        f'Pre-training measured at {args.view} px views, batch {args.batch} (median of '
        f'{args.steps} steps after a warm-up; FLOPs of one step by torch.utils.flop_counter). '
        f'GPU hours: FLOPs scaled x{scale:.1f} to 224 px views at batch 16 (assumption A), at '
        f'{args.tflops:g} TFLOP/s sustained on one GPU (assumption B); VOC aug 20 epochs = '
        f'{VOC_ITERS} iterations, Cityscapes 20 epochs = {CITY_ITERS} (PLMoCo+ 50 epochs = '
        f'{CITY_ITERS * 5 // 2}). See the docstring of benchmarks/reference_cost.py.', '',
        '| config | CPU ms/step | x MoCo v2 (time) | GFLOP/step | x MoCo v2 (FLOPs) | '
        'GPU h VOC 20e | GPU h Cityscapes |',
        '|---|---|---|---|---|---|---|']
    for rel, sec, flops, err in rows:
        name = osp.basename(rel)[:-3]
        if err:
            lines.append(f'| {name} | failed: {err[:80]} | | | | | |')
            continue
        city = CITY_ITERS * 50 // 20 if name.startswith('plmocoplus') else CITY_ITERS
        ref = flops * scale
        lines.append(f'| {name} | {sec * 1e3:.0f} | {sec / ref_sec:.2f} | {flops / 1e9:.1f} | '
                     f'{flops / ref_flops:.2f} | {hours(ref, VOC_ITERS, args.tflops):.1f} | '
                     f'{hours(ref, city, args.tflops):.1f} |')
    seg_scale = {'voc': (512 / args.seg_crop) ** 2 * 8, 'cityscapes': 2 * (512 / args.seg_crop)
                 ** 2 * 8}  # measured at batch 2
    lines += ['', f'Segmentation: one training step at {args.seg_crop}x{args.seg_crop}, batch 2; '
              'GPU hours scaled to the protocols\' crops (VOC 512x512, Cityscapes 512x1024) at '
              'batch 16 and their iterations (FT-10% as FT-100% per step).', '',
              '| head | step | CPU ms/step | GFLOP/step | VOC GPU h (FT-10% / LP / FT-100%) | '
              'Cityscapes GPU h (FT-10% / LP / FT-100%) |', '|---|---|---|---|---|---|']
    by = {(h, p): f for h, p, _, f in seg_rows}
    for head, proto, sec, flops in seg_rows:
        cells = []
        for data in ('voc', 'cityscapes'):
            its = PROTOCOLS[data]
            ft, lp = by[(head, 'ft100')] * seg_scale[data], by[(head, 'lp')] * seg_scale[data]
            cells.append(' / '.join(f'{hours(f, n, args.tflops):.2f}' for f, n in (
                (ft, its['ft10']), (lp, its['lp']), (ft, its['ft100']))))
        lines.append(f'| {head} | {proto} | {sec * 1e3:.0f} | {flops / 1e9:.1f} | '
                     + (' | '.join(cells) if proto == 'ft100' else ' | ') + ' |')
    lines += ['', f'Run: `python benchmarks/reference_cost.py --view {args.view} --batch '
              f'{args.batch} --steps {args.steps} --threads {args.threads} --seg-crop '
              f'{args.seg_crop} --tflops {args.tflops:g}`']
    text = '\n'.join(lines) + '\n'
    record = dict(args=vars(args), scale=scale, seg_scale=seg_scale, voc_iters=VOC_ITERS,
                  city_iters=CITY_ITERS, pretrain={osp.basename(r)[:-3]: dict(
                      sec=sec, flops=flops, error=err) for r, sec, flops, err in rows},
                  seg={f'{h}_{p}': dict(sec=sec, flops=f) for h, p, sec, f in seg_rows})
    write_results(args.out, text, record)
    print(text)


if __name__ == '__main__':
    main()
