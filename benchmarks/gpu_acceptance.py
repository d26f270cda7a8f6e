"""The acceptance runs of benchmarks/gpu_check.sh: every pre-training method of the CamVid benchmark
through ``tools/train.py`` (mmengine's Runner, the config's own loader and pipeline) on a generated
PASCAL VOC aug layout at VOC's image size, resumed, under AMP, against MMSelfSup's MoCo v2 and
DenseCL; one segmentation fine-tune step and a test from a converted checkpoint; a 2-process run
where two GPUs are present. Writes the table and exits non-zero if any stage failed.

    python benchmarks/gpu_acceptance.py                     # as gpu_check.sh runs it (CUDA)
    GPU_CHECK_DEVICE=cpu GPU_CHECK_METHODS="mocov2 plmoco-dec detcons-dec" GPU_CHECK_IMAGE=48x64 \\
        GPU_CHECK_VIEW=32 GPU_CHECK_SEG_CROP=32 GPU_CHECK_BATCH=2 GPU_CHECK_ITERS=2 \\
        GPU_CHECK_RESUME_ITERS=1 python benchmarks/gpu_acceptance.py     # the CPU rehearsal

Each method (:data:`METHODS`: the ResNet-50 VOC config of each CamVid-benchmark method; for patch
rotation, which has none, its ResNet-18 config pointed at the VOC layout) runs, as its own process:

1. ``fp32``: ITERS iterations from a synthetic ImageNet MoCo v2 checkpoint (facebookresearch layout,
   random weights: the configs continue from one). One run iterates at a time: the next ones start
   up meanwhile (imports, model, loader; up to STARTS of them) and each is stopped (SIGSTOP) where
   its training loop begins until the run before it has ended. Images/s: batch / median iteration
   time after the first, data loading included, from the log; peak memory:
   ``torch.cuda.max_memory_allocated`` as mmengine logs it (on CPU the process's peak RSS).
2. ``resume``: ``--resume`` from that run's last checkpoint for RESUME_ITERS more iterations; the
   log must continue at iteration ITERS + 1.
3. ``amp``: ITERS iterations with ``--amp`` (mmengine's AmpOptimWrapper, dynamic loss scale). Its
   iteration-1 loss (same weights, same batch) must lie within AMP_RTOL x |fp32| + AMP_ATOL of the
   fp32 run's; the steps the loss scaler skipped are read from its saved state (each skip halves
   the scale from 2^16), and a run that applied none fails. CUDA only (mmengine refuses AMP on CPU).

Resume and AMP runs iterate several at a time (JOBS, fewer where the measured peak memory says
so). Every logged loss of every run must be finite, and every run must log exactly its iterations.
Then the PLMoCo w/dec checkpoint (fp32) is converted (tools/convert_checkpoint.py) for the
MoCoFCN FT-100% VOC leaf, which trains SEG_ITERS iterations, validates and is tested
(tools/test.py).
With two or more GPUs, tools/dist_train.sh runs PLMoCo w/dec in 2 processes (NCCL).

Settings: flags, or the environment (``GPU_CHECK_<FLAG>``, e.g. ``GPU_CHECK_METHODS``); see
``--help``. The markdown table and its JSON go to ``benchmarks/results/gpu_check_<device>.md``.
"""
import argparse
import json
import math
import os
import os.path as osp
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SELFSUP = 'configs/selfsup'
# the segmentation leaf every checkpoint is carried into: (head, protocol, dataset, backbone),
# composed from the manifest
SEG_LEAF = ('mocofcn', 'ft100', 'voc', 'r50b-d8')
REAL_IMAGE = (375, 500)  # VOC's usual (height, width)
REAL_VIEW = 224  # the VOC configs' view size (for the config that is not one of them)
REAL_WORKERS = 8  # and their loader workers
INIT_SCALE = 2.0**16  # torch's GradScaler default, which mmengine's 'dynamic' loss scale keeps


def _voc(folder: str, method: str, decoder: str = '') -> str:
    return f'{SELFSUP}/{folder}/{method}_r50b-d8{decoder}_1xb16-20e_voc12aug_from-mocov2.py'


# the CamVid benchmark's methods (benchmarks/camvid_quality.py METHODS, its names) -> (the reference
# ResNet-50 VOC config, or the closest config, and the row label)
METHODS = {
    'mocov2': (_voc('mocov2', 'mocov2'), 'MoCo v2 (MMSelfSup)'),
    'densecl': (_voc('densecl', 'densecl'), 'DenseCL (MMSelfSup)'),
    'mocodec-dec': (_voc('mocodec', 'mocodec', '-mocofcn'), 'MoCo w/dec'),
    'plmoco': (_voc('plmoco', 'plmoco'), 'PLMoCo w/o dec'),
    'plmoco-dec': (_voc('plmoco', 'plmoco', '-mocofcn'), 'PLMoCo w/dec'),
    'plmocoplus-dec': (_voc('plmocoplus', 'plmocoplus', '-mocofcn'), 'PLMoCo+ w/dec'),
    'plsiam-dec': (_voc('plsiam', 'plsiam', '-mocofcn'), 'PLSiam w/dec'),
    'prcl-dec': (_voc('prcl', 'prcl', '-mocofcn'), 'PRCL w/dec'),
    'p2vec-dec': (_voc('p2vec', 'p2vec', '-mocofcn'), 'P2Vec w/dec'),
    # no ResNet-50 VOC config: the ResNet-18 one, its dataset pointed at the VOC layout, 224 px
    'plr-dec': (f'{SELFSUP}/plr/plr_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
                'Patch rotation w/dec (ResNet-18 config: no ResNet-50 VOC one)'),
    'mocomc-dec': (_voc('mocomc', 'mocomc', '-mocofcn'), 'MoCo w/dec + multi-crop, kNN'),
    'rlmoco-dec': (_voc('rlmoco', 'rlmoco', '-mocofcn'), 'RLMoCo w/dec'),
    'detcons-dec': (_voc('detcon', 'detcons', '-mocofcn'), 'DetCon-S w/dec'),
    'detconb-dec': (_voc('detcon', 'detconb', '-mocofcn'), 'DetCon-B w/dec'),
    'edmoco-dec': (_voc('mocodec', 'edmoco', '-mocofcn'), 'EDMoCo (encoder lr x0.01)'),
    'pledmoco-dec': (_voc('plmoco', 'pledmoco', '-mocofcn'), 'PLEDMoCo (encoder lr x0.01)'),
}
# the benchmark's other decoders of two methods: run with GPU_CHECK_METHODS=all
DECODER_VARIANTS = {
    f'{m}-dec-{d}': (_voc(m, m, f'-{d}'), f'{label} ({name})')
    for m, label in (('plmoco', 'PLMoCo w/dec'), ('mocodec', 'MoCo w/dec'))
    for d, name in (('dlv3p', 'DeepLabv3+'), ('nl', 'Non-local'), ('psp256', 'PSPNet-256'))}
ALL_METHODS = {**METHODS, **DECODER_VARIANTS}
REFERENCES = ('mocov2', 'densecl')
SEG_SOURCE = 'plmoco-dec'  # its checkpoint feeds the segmentation step (else the first method's)


def log(msg: str) -> None:
    print(f'[gpu_acceptance {time.strftime("%H:%M:%S")}] {msg}', flush=True)


# --------------------------------------------------------------------------------------------
# settings


def _env(name: str, default=None):
    value = os.environ.get(f'GPU_CHECK_{name}', '')
    return value if value.strip() else default


def _size(text: str):
    """``HxW`` -> (h, w)."""
    h, sep, w = text.lower().partition('x')
    if not (sep and h.isdigit() and w.isdigit()):
        raise argparse.ArgumentTypeError(f'{text!r} is not HxW (e.g. 375x500)')
    return int(h), int(w)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)

    def add(flag, default=None, help='', **kw):
        """A flag whose default comes from GPU_CHECK_<FLAG> (argparse converts and checks it,
        naming the flag; the help names the variable)."""
        env = flag.lstrip('-').upper().replace('-', '_')
        env = {'WORK_DIR': 'WORK', 'OUT': 'OUT'}.get(env, env)
        if kw.get('action') == 'store_true':
            kw['default'] = _env(env) == '1'
        else:
            kw['default'] = _env(env, default)
        parser.add_argument(flag, help=f'{help} [GPU_CHECK_{env}]'.strip(), **kw)

    add('--device', 'cuda', choices=['cuda', 'cpu'])
    add('--methods', 'default', 'names of METHODS (space or comma separated), "default" (every '
        'method of the CamVid benchmark) or "all" (and the decoder variants)')
    add('--iters', '5', 'fp32 and AMP iterations', type=int)
    add('--resume-iters', '2', type=int)
    add('--batch', '16', "the configs' own: 16", type=int)
    add('--workers', None, "loader workers (default: the config's own for the timed runs, "
        'cores / jobs - 1 for the others)', type=int)
    add('--image', 'x'.join(map(str, REAL_IMAGE)), "generated image size HxW (VOC's 375x500)",
        type=_size)
    add('--view', None, "view size (default: the config's own)", type=int)
    add('--seg-iters', '1', type=int)
    add('--seg-crop', None, "segmentation crop (default: the leaf's 512; resizes follow at 4:1)",
        type=int)
    add('--jobs', None, 'runs iterating at once after the timed ones (resume, AMP, '
        'segmentation); on CUDA capped by the measured peak memory (default 6 on CUDA, 1 on CPU)',
        type=int)
    add('--starts', None, 'runs starting up (imports, model, loader) while others iterate '
        '(default 4 on CUDA, 1 on CPU)', type=int)
    add('--amp-rtol', '0.02', type=float)
    add('--amp-atol', '0.01', type=float)
    add('--dist', 'auto', 'the 2-process run: auto = where two GPUs are present; on = also on '
        'CPU (gloo)', choices=['auto', 'on', 'off'])
    add('--cfg-options', '', 'extra key=value overrides of every pre-training run (space '
        'separated)')
    add('--timeout', '600', 'seconds per run', type=int)
    add('--keep-checkpoints', help="keep every checkpoint (by default a run's are deleted once "
        'nothing needs them: about 0.4 GB each, 50 runs)', action='store_true')
    add('--work-dir', osp.join(ROOT, 'work_dirs', 'gpu_check'))
    add('--out', None, 'results file (default benchmarks/results/gpu_check_<device>.md, and '
        '.json beside it)')
    parser.add_argument('--check-settings', action='store_true',
                        help='only read and print the settings (gpu_check.sh does, first)')
    args = parser.parse_args(argv)
    cuda = args.device == 'cuda'
    args.jobs = args.jobs or (6 if cuda else 1)
    args.starts = args.starts or (4 if cuda else 1)
    args.methods = select_methods(args.methods)
    if min(args.iters, args.resume_iters, args.seg_iters, args.batch) < 1:
        parser.error('iterations and the batch must be >= 1')
    args.out = args.out or osp.join(ROOT, 'benchmarks', 'results', f'gpu_check_{args.device}.md')
    args.work_dir = osp.abspath(args.work_dir)
    return args


def select_methods(text: str) -> list:
    """``default`` / ``all`` / names (space or comma separated), in :data:`ALL_METHODS` order;
    an unknown name raises, listing the known ones."""
    names = text.replace(',', ' ').split()
    if names == ['default']:
        return list(METHODS)
    if names == ['all']:
        return list(ALL_METHODS)
    unknown = [n for n in names if n not in ALL_METHODS]
    if unknown or not names:
        raise SystemExit(f'GPU_CHECK_METHODS: unknown method(s) {unknown or text!r}; known: '
                         f'default, all, {", ".join(ALL_METHODS)}')
    return [n for n in ALL_METHODS if n in names]


# --------------------------------------------------------------------------------------------
# config overrides (--cfg-options of tools/train.py and tools/test.py)


def walk(node, path: str = ''):
    """Yield ``(dotted path, dict)`` for every dict inside ``node`` (lists by index)."""
    if isinstance(node, dict):
        yield path, node
        items = node.items()
    elif isinstance(node, (list, tuple)):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        yield from walk(value, f'{path}.{key}' if path else str(key))


def dataset_parts(loader: dict, prefix: str) -> list:
    """``(dotted path, dataset)`` of a loader's dataset, or of each part of a ConcatDataset."""
    dataset = loader['dataset']
    if 'datasets' in dataset:
        return [(f'{prefix}.dataset.datasets.{i}', d) for i, d in enumerate(dataset['datasets'])]
    return [(f'{prefix}.dataset', dataset)]


def format_options(options: dict) -> list:
    """``key=value`` strings that mmengine's DictAction reads back as the same values."""
    def fmt(value):
        if isinstance(value, (tuple, list)):
            inner = ','.join(fmt(v) for v in value)
            return f'({inner})' if isinstance(value, tuple) else f'[{inner}]'
        return str(value)
    return [f'{key}={fmt(value)}' for key, value in options.items()]


def pretrain_options(cfg, args, data_root: str, init_checkpoint: str, cache_dir: str,
                     iters: int, batch: int, workers=None, closest: bool = False) -> dict:
    """What a pre-training run changes in its config: the loop (``iters`` iterations), batch,
    workers, data root, init checkpoint, mask cache, logging of every iteration; with
    ``args.view`` / a non-VOC image size, views and Felzenszwalb areas to match.

    Args:
        cfg (Config): The pre-training config (read only).
        args (Namespace): The settings (``view``, ``image``, ``cfg_options``).
        data_root (str): The generated VOC2012 folder.
        init_checkpoint (str): The checkpoint continued from (where the config continues one).
        cache_dir (str): Region-mask cache of this run.
        iters (int): ``train_cfg.max_iters``.
        batch (int): Batch per process.
        workers (int, optional): Loader workers. Defaults to None (the config's own).
        closest (bool): The config is not a VOC one: point its dataset at the VOC layout and
            make REAL_VIEW px views. Defaults to False.

    Returns:
        dict: dotted key -> value.
    """
    opts = {'train_cfg._delete_': True, 'train_cfg.type': 'IterBasedTrainLoop',
            'train_cfg.max_iters': iters, 'train_dataloader.batch_size': batch,
            'default_hooks.logger.interval': 1, 'log_processor.window_size': 1}
    if workers is not None:
        opts['train_dataloader.num_workers'] = workers
        opts['train_dataloader.persistent_workers'] = workers > 0
    for prefix, part in dataset_parts(cfg.train_dataloader, 'train_dataloader'):
        opts[f'{prefix}.data_root'] = data_root
        if closest:
            opts.update({f'{prefix}.data_prefix.img_path': 'JPEGImages',
                         f'{prefix}.ann_file': 'ImageSets/Segmentation/train_aug.txt',
                         f'{prefix}.ann_suffix': '.jpg'})
    if (cfg.optim_wrapper.get('paramwise_cfg') or {}).get('init_checkpoint'):
        opts['optim_wrapper.paramwise_cfg.init_checkpoint'] = init_checkpoint
    view = args.view or (REAL_VIEW if closest else None)
    area = args.image[0] * args.image[1] / (REAL_IMAGE[0] * REAL_IMAGE[1])
    for path, node in walk(cfg.train_dataloader.to_dict(), 'train_dataloader'):
        kind = node.get('type')
        if 'cache_dir' in node:
            opts[f'{path}.cache_dir'] = cache_dir
        if view and kind == 'RandomResizedCropWithCoord':
            opts[f'{path}.size'] = view
        elif view and kind == 'ConstrainedMultiCrop':
            opts[f'{path}.large_size'] = view
            opts[f'{path}.small_size'] = max(8, view * node['small_size'] // node['large_size'])
        elif kind == 'FelzenszwalbMasks' and area != 1:  # areas in pixels: scale with the image
            opts[f'{path}.scale'] = max(1, round(node['scale'] * area))
            opts[f'{path}.min_size'] = max(1, round(node['min_size'] * area))
    for item in args.cfg_options.split():
        key, _, value = item.partition('=')
        opts[key] = value
    return opts


def seg_options(cfg, args, data_root: str, loaders=('train', 'val', 'test'), workers=None) -> dict:
    """Data roots of the segmentation loaders; with ``args.seg_crop``, crops, pads and resizes
    (4:1, as the leaves' 2048x512) cut to it."""
    opts = {}
    crop = args.seg_crop
    for name in loaders:
        loader = f'{name}_dataloader'
        for prefix, _ in dataset_parts(cfg[loader], loader):
            opts[f'{prefix}.data_root'] = data_root
        if workers is not None:
            opts[f'{loader}.num_workers'] = workers
            opts[f'{loader}.persistent_workers'] = workers > 0
        if crop:
            for path, node in walk(cfg[loader].to_dict(), loader):
                kind = node.get('type')
                if kind in ('RandomResize', 'Resize'):
                    opts[f'{path}.scale'] = (4 * crop, crop)
                elif kind == 'RandomCrop':
                    opts[f'{path}.crop_size'] = (crop, crop)
                elif kind == 'Pad' and 'size' in node:
                    opts[f'{path}.size'] = (crop, crop)
    if crop and 'train' in loaders:
        opts['model.data_preprocessor.size'] = (crop, crop)
    return opts


# --------------------------------------------------------------------------------------------
# running and reading runs


# mmengine logs this when the training loop is about to start (CheckpointHook.before_train): a
# gated run waits there for its GPU turn
READY_MARKER = 'Checkpoints will be saved to'
LIVE = set()  # process groups running now (killed if the check is interrupted)


class Turn:
    """A place in a queue of runs: the GPU is this run's once the previous run has ended, so the
    timed runs iterate one at a time while the next ones start up."""

    def __init__(self, previous=None):
        self.previous = previous
        self.done = threading.Event()

    def acquire(self, blocking: bool = True) -> bool:
        if self.previous is None:
            return True
        return self.previous.done.wait(None if blocking else 0)

    def release(self, acquired: bool = True) -> None:
        if self.previous is not None:
            self.previous.done.wait()  # in order, also when this run ended before its turn
        self.done.set()


class Slots:
    """At most ``n`` runs iterate at once (GPU memory); any number may start up meanwhile."""

    def __init__(self, n: int):
        self.semaphore = threading.Semaphore(n)

    def acquire(self, blocking: bool = True) -> bool:
        return self.semaphore.acquire(blocking)

    def release(self, acquired: bool = True) -> None:
        if acquired:
            self.semaphore.release()


def kill_group(pid: int) -> None:
    """SIGKILL the process group of ``pid`` (one we started), stopped or not."""
    for sig in (signal.SIGKILL, signal.SIGCONT):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass


def run_process(cmd: list, logfile: str, timeout: int, env: dict = None, gate=None) -> dict:
    """Run ``cmd`` (output into ``logfile``) in its own process group, killed after ``timeout``
    s of running. With ``gate`` (:class:`Turn` or :class:`Slots`), the process is stopped
    (SIGSTOP) when its log shows :data:`READY_MARKER` until the gate lets it go on (SIGCONT).

    Returns:
        dict: ``code`` (exit code), ``seconds`` (wall), ``waited`` (seconds stopped at the gate),
        ``startup`` (seconds to the marker, or None), ``rss_mb`` (peak RSS of the process),
        ``cpu_s`` (its CPU seconds, user and system; loader workers not counted).
    """
    os.makedirs(osp.dirname(logfile), exist_ok=True)
    start = time.time()
    out = dict(waited=0., startup=None)
    acquired = gate is None
    with open(logfile, 'w') as f, open(logfile, errors='replace') as reader:
        f.write('$ ' + ' '.join(shlex.quote(c) for c in cmd) + '\n')
        f.flush()
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=ROOT,
                                env=env or child_env(), start_new_session=True)
        LIVE.add(proc.pid)
        seen = ''
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if not acquired:
                    seen = seen[-len(READY_MARKER):] + reader.read()
                    if READY_MARKER in seen:
                        out['startup'] = time.time() - start
                        acquired = gate.acquire(blocking=False)
                        if not acquired:
                            os.killpg(proc.pid, signal.SIGSTOP)
                            acquired = gate.acquire()
                            os.killpg(proc.pid, signal.SIGCONT)
                            out['waited'] = time.time() - start - out['startup']
                if time.time() - start - out['waited'] > timeout:
                    os.killpg(proc.pid, signal.SIGKILL)
                    _, status, usage = os.wait4(proc.pid, 0)
                    f.write(f'\n[gpu_acceptance] killed after {timeout} s\n')
                    break
                time.sleep(0.05)
        except BaseException:  # interrupted: leave no stopped or running group behind
            kill_group(proc.pid)
            proc.wait()
            raise
        finally:
            LIVE.discard(proc.pid)
            if gate is not None:
                gate.release(acquired)
    out['code'] = os.waitstatus_to_exitcode(status)
    proc.returncode = out['code']  # reaped here: keep Popen from waiting again
    out.update(seconds=time.time() - start, rss_mb=usage.ru_maxrss / 1024,
               cpu_s=usage.ru_utime + usage.ru_stime)
    return out


def child_env(**extra) -> dict:
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in [ROOT] + env.get('PYTHONPATH', '').split(os.pathsep) if p)
    env['PYTHONUNBUFFERED'] = '1'
    env.update({k: str(v) for k, v in extra.items()})
    return env


def log_tail(logfile: str, lines: int = 25) -> str:
    with open(logfile, errors='replace') as f:
        return ''.join(f.readlines()[-lines:])


def read_scalars(work_dir: str) -> list:
    """The training records (those with a loss) mmengine logged under ``work_dir``
    (``<timestamp>/vis_data/scalars.json``), sorted by step; [] if none."""
    from ssl4dp_mm.analysis.curves import load_run
    try:
        return [r for r in load_run(work_dir, work_dir).records if 'loss' in r]
    except FileNotFoundError:
        return []


def check_records(records: list, first: int, last: int) -> str:
    """An error message, or '' when iterations ``first..last`` are each logged once and every
    logged loss is finite."""
    steps = [r['step'] for r in records]
    if steps != list(range(first, last + 1)):
        return f'logged iterations {steps}, expected {first}..{last}'
    bad = [(r['step'], k, v) for r in records for k, v in r.items()
           if k.startswith('loss') and not (isinstance(v, (int, float)) and math.isfinite(v))]
    if bad:
        return 'non-finite loss ' + ', '.join(f'{k}={v} at iteration {s}' for s, k, v in bad[:4])
    return ''


def throughput(records: list, batch: int, waited: float = 0.) -> dict:
    """Images/s (batch / median iteration time, data loading included), median data time and
    iteration time, peak CUDA memory as mmengine logged it (MB; None on CPU). The first
    iteration (start-up, cuDNN) counts only when it is the only one, less the ``waited`` seconds
    the run was stopped at its gate (mmengine's timer runs from ``before_train``)."""
    timed = records[1:] or [dict(records[0], time=max(1e-6, records[0]['time'] - waited))]
    step = statistics.median(r['time'] for r in timed)
    memory = [r['memory'] for r in records if 'memory' in r]
    return dict(images_per_s=batch / step, iter_s=step,
                data_s=statistics.median(r.get('data_time', 0.) for r in timed),
                peak_mb=max(memory) if memory else None)


def amp_skipped(checkpoint: str) -> tuple:
    """(steps the dynamic loss scale skipped, its final scale), from the AmpOptimWrapper state
    in ``checkpoint``: every skipped step halves the scale from :data:`INIT_SCALE` (no growth
    within the first 2000 steps)."""
    from ssl4dp_mm.checkpoints import load_checkpoint_file
    state = load_checkpoint_file(checkpoint)['optimizer'].get('loss_scaler')
    if not state:
        raise ValueError(f'{checkpoint}: no loss_scaler state (not an AmpOptimWrapper run?)')
    scale = float(state['scale'])
    return max(0, round(math.log2(INIT_SCALE / scale))), scale


def gpu_info() -> list:
    """(name, total memory in MB) of each GPU, from nvidia-smi (the driver process itself
    creates no CUDA context: it would hold GPU memory for the whole check)."""
    try:
        out = subprocess.run(['nvidia-smi', '--query-gpu=name,memory.total',
                              '--format=csv,noheader,nounits'], capture_output=True, text=True)
    except FileNotFoundError:
        return []
    gpus = []
    for line in out.stdout.strip().splitlines() if out.returncode == 0 else []:
        name, _, total = line.rpartition(',')
        gpus.append((name.strip(), float(total)))
    if visible := os.environ.get('CUDA_VISIBLE_DEVICES', '').strip():
        gpus = [gpus[int(i)] for i in visible.split(',') if i.strip().isdigit()
                and int(i) < len(gpus)]
    return gpus


def write_synthetic_mocov2(path: str) -> str:
    """A stand-in for facebookresearch/moco's moco_v2_800ep_pretrain.pth.tar (the checkpoint the
    VOC configs continue from): a torchvision ResNet-50 with random weights under
    ``module.encoder_q`` and MoCo v2's 2-layer MLP as ``fc.0`` / ``fc.2``."""
    if osp.isfile(path):
        return path
    import torch
    import torchvision
    torch.manual_seed(0)
    body = {k: v for k, v in torchvision.models.resnet50().state_dict().items()
            if not k.startswith('fc.')}
    body.update({'fc.0.weight': torch.randn(2048, 2048) * 0.01, 'fc.0.bias': torch.zeros(2048),
                 'fc.2.weight': torch.randn(128, 2048) * 0.01, 'fc.2.bias': torch.zeros(128)})
    state = {f'module.encoder_q.{k}': v for k, v in body.items()}
    os.makedirs(osp.dirname(path), exist_ok=True)
    torch.save(dict(epoch=800, arch='resnet50', state_dict=state), path + '.tmp')
    os.replace(path + '.tmp', path)
    return path


# --------------------------------------------------------------------------------------------
# the stages


class Acceptance:
    """The runs of one acceptance check and their results (``self.methods[name][stage]``,
    ``self.stages[name]``, ``self.timing[phase]``)."""

    def __init__(self, args):
        from mmengine.config import Config

        from ssl4dp_mm.manifest import composed_seg_file
        self.args = args
        self.work = args.work_dir
        self.configs = {m: Config.fromfile(osp.join(ROOT, ALL_METHODS[m][0]))
                        for m in args.methods}
        self.seg_config = composed_seg_file(*SEG_LEAF)
        self.seg_cfg = Config.fromfile(self.seg_config)
        self.methods = {m: {} for m in args.methods}
        self.stages = {}
        self.timing = {}  # phase -> seconds
        self.seconds = 0.
        self.lock = threading.Lock()
        self.cores = os.cpu_count() or 1
        self.gpu_info = gpu_info() if args.device == 'cuda' else []
        self.gpus = len(self.gpu_info)
        self.data_root = self.init_checkpoint = None

    def record(self, method, stage, result):
        with self.lock:
            (self.methods[method] if method else self.stages)[stage] = result
        why = result.get('error') or result.get('reason')
        extra = f': {why}' if why else ''
        log(f'{method + " " if method else ""}{stage}: {result["status"]} '
            f'({result.get("seconds", 0):.0f} s){extra}')
        return result

    def env(self, gpu: int = 0) -> dict:
        """A run's environment: on CUDA its one GPU (the ``gpu``-th visible one), else none."""
        if self.args.device != 'cuda':
            return child_env(CUDA_VISIBLE_DEVICES='')
        visible = os.environ.get('CUDA_VISIBLE_DEVICES', '').replace(' ', '').split(',')
        return child_env(CUDA_VISIBLE_DEVICES=visible[gpu] if gpu < len(visible) and
                         visible[gpu] else gpu)

    # ---- set-up
    def prepare(self):
        from ssl4dp_mm.datasets.reference_layouts import make_voc_aug
        a = self.args
        start = time.time()
        total = a.batch * (a.iters + a.resume_iters)
        sizes = {'train': a.batch, 'aug': max(a.batch, total - a.batch),
                 'val': max(2, min(a.batch, 8))}
        self.data_root = make_voc_aug(osp.join(self.work, 'data', 'x'.join(map(str, a.image))),
                                      sizes, size=a.image)
        self.init_checkpoint = write_synthetic_mocov2(
            osp.join(self.work, 'data', 'moco_v2_synthetic.pth.tar'))
        self.timing['data layout, init checkpoint'] = time.time() - start
        self.record(None, 'data', dict(
            status='passed', seconds=time.time() - start,
            detail=f'VOC aug layout, {sum(sizes.values())} images of {a.image[1]}x{a.image[0]}, '
                   f'synthetic MoCo v2 checkpoint'))

    # ---- pre-training runs
    def train(self, method: str, stage: str, workers=None, gpu: int = 0, gate=None) -> dict:
        """One pre-training run of ``method``: 'fp32', 'resume' (from fp32's last checkpoint) or
        'amp'; checked and recorded."""
        a = self.args
        config, _ = ALL_METHODS[method]
        base = osp.join(self.work, method)
        work_dir = osp.join(base, stage)
        first, last = 1, a.iters
        extra = []
        if stage == 'resume':
            first, last = a.iters + 1, a.iters + a.resume_iters
            extra = ['--resume', osp.join(base, 'fp32', f'iter_{a.iters}.pth')]
        elif stage == 'amp':
            extra = ['--amp']
        cache = osp.join(base, 'amp' if stage == 'amp' else 'fp32', 'mask_cache')
        closest = '_toyscenes' in config
        if closest and workers is None:
            workers = REAL_WORKERS
        opts = pretrain_options(self.configs[method], a, self.data_root, self.init_checkpoint,
                                cache, last, a.batch, workers, closest=closest)
        cmd = [sys.executable, 'tools/train.py', config, '--work-dir', work_dir, *extra,
               '--cfg-options', *format_options(opts)]
        logfile = osp.join(self.work, 'logs', f'{method}_{stage}.log')
        run = run_process(cmd, logfile, a.timeout, self.env(gpu), gate)
        records = read_scalars(work_dir)
        iterating = sum(r.get('time', 0.) for r in records)
        result = dict(status='passed', seconds=run['seconds'], log=logfile, first=first,
                      last=last, losses=[r['loss'] for r in records], startup_s=run['startup'],
                      waited_s=run['waited'], cpu_s=run['cpu_s'],
                      # the process's own seconds beyond its iterations: start-up (imports,
                      # model, loader, first batch) and the final checkpoint (the wait at the
                      # gate is inside the first iteration's time: mmengine's timer starts at
                      # before_train, ahead of the marker)
                      overhead_s=run['seconds'] - iterating)
        error = f'exit {run["code"]}' if run['code'] else check_records(records, first, last)
        if not error and not osp.isfile(osp.join(work_dir, f'iter_{last}.pth')):
            error = f'no checkpoint iter_{last}.pth in {work_dir}'
        if not error and stage == 'amp':
            error = self.check_amp(method, result, osp.join(work_dir, f'iter_{last}.pth'))
        if not error and stage != 'resume':
            result.update(throughput(records, a.batch, run['waited']))
            if a.device == 'cpu':
                result['peak_mb'] = run['rss_mb']  # peak resident set of the process
        if error:
            result.update(status='failed', error=error, tail=log_tail(logfile))
            print(result['tail'], flush=True)
        if stage != 'fp32':  # fp32's are read by its resume and the segmentation step
            self.drop_checkpoints(work_dir)
        return self.record(method, stage, result)

    def drop_checkpoints(self, work_dir: str) -> None:
        """Delete the ``*.pth`` of a work dir unless ``--keep-checkpoints``."""
        if self.args.keep_checkpoints or not osp.isdir(work_dir):
            return
        for name in os.listdir(work_dir):
            if name.endswith('.pth'):
                os.remove(osp.join(work_dir, name))

    def check_amp(self, method: str, result: dict, checkpoint: str) -> str:
        """'' if the AMP run's iteration-1 loss matches fp32's and the loss scaler applied a
        step, else what is wrong."""
        a = self.args
        fp32 = self.methods[method].get('fp32', {})
        if fp32.get('status') != 'passed':
            return 'no fp32 run to compare with'
        ref, amp = fp32['losses'][0], result['losses'][0]
        tol = a.amp_rtol * abs(ref) + a.amp_atol
        skipped, scale = amp_skipped(checkpoint)
        result.update(loss_diff=amp - ref, tolerance=tol, skipped=skipped, loss_scale=scale)
        if abs(amp - ref) > tol:
            return (f'iteration-1 loss {amp:.5f} under AMP vs {ref:.5f} in fp32: |diff| '
                    f'{abs(amp - ref):.5f} > {tol:.5f} ({a.amp_rtol} x |fp32| + {a.amp_atol})')
        if skipped >= a.iters:
            return (f'the loss scaler skipped all {a.iters} steps (scale {scale:g}): '
                    'inf/NaN gradients at every scale')
        return ''

    def skip(self, method, stage, reason):
        return self.record(method, stage, dict(status='skipped', seconds=0., reason=reason))

    def after_fp32(self, method, stage, **kw):
        """``stage`` of ``method``, or a failure naming the fp32 run it needs."""
        if self.methods[method]['fp32']['status'] != 'passed':
            return self.record(method, stage, dict(status='failed', seconds=0.,
                                                   error='the fp32 run failed'))
        return self.train(method, stage, **kw)

    # ---- segmentation
    def segmentation(self, method: str, workers=None, gpu: int = 0, gate=None) -> None:
        """Convert ``method``'s fp32 checkpoint for the MoCoFCN FT-100% leaf, fine-tune it
        ``seg_iters`` iterations, test it."""
        a = self.args
        src = osp.join(self.work, method, 'fp32', f'iter_{a.iters}.pth')
        seg = osp.join(self.work, 'seg')
        converted = osp.join(seg, f'{method}_converted.pth')
        if self.methods[method].get('fp32', {}).get('status') != 'passed':
            for stage in ('seg_convert', 'seg_train', 'seg_test'):
                self.record(None, stage, dict(status='failed', seconds=0.,
                                              error=f'no {method} fp32 checkpoint'))
            return
        run = run_process([sys.executable, 'tools/convert_checkpoint.py', src, converted,
                           '--seg-config', self.seg_config],
                          osp.join(self.work, 'logs', 'seg_convert.log'), a.timeout,
                          self.env(gpu))
        if not self._stage('seg_convert', run,
                           detail=f'{method} iteration {a.iters} -> {self.seg_config}'):
            return
        train_dir = osp.join(seg, 'train')
        opts = {'load_from': converted, 'train_cfg.max_iters': a.seg_iters,
                'train_cfg.val_interval': a.seg_iters, 'train_dataloader.batch_size': a.batch,
                'default_hooks.logger.interval': 1, 'log_processor.window_size': 1,
                **seg_options(self.seg_cfg, a, self.data_root, workers=workers)}
        run = run_process([sys.executable, 'tools/train.py', self.seg_config,
                           '--work-dir', train_dir, '--cfg-options', *format_options(opts)],
                          osp.join(self.work, 'logs', 'seg_train.log'), a.timeout, self.env(gpu),
                          gate)
        records = read_scalars(train_dir)
        if not self._stage('seg_train', run, check_records(records, 1, a.seg_iters),
                           detail=f'{a.seg_iters} iteration(s) and the validation, loss '
                                  + ', '.join(f'{r["loss"]:.4f}' for r in records)):
            return
        metrics_file = osp.join(seg, 'metrics.json')
        opts = seg_options(self.seg_cfg, a, self.data_root, loaders=('test', ), workers=workers)
        run = run_process([sys.executable, 'tools/test.py', self.seg_config,
                           osp.join(train_dir, f'iter_{a.seg_iters}.pth'), '--work-dir',
                           osp.join(seg, 'test'), '--out-metrics', metrics_file,
                           '--cfg-options', *format_options(opts)],
                          osp.join(self.work, 'logs', 'seg_test.log'), a.timeout, self.env(gpu))
        error = detail = ''
        if not run['code']:
            with open(metrics_file) as f:
                metrics = json.load(f)
            miou = metrics.get('mIoU')
            detail = f'mIoU {miou} on the generated val images'
            if miou is None or not 0 <= miou <= 100:
                error = f'mIoU {miou!r} is not a number in [0, 100]: {metrics}'
        self._stage('seg_test', run, error, detail=detail)

    def _stage(self, name: str, run: dict, error: str = '', detail: str = '') -> bool:
        """Record a stage from its :func:`run_process` result; True if it passed."""
        logfile = osp.join(self.work, 'logs', f'{name}.log')
        error = f'exit {run["code"]}' if run['code'] else error
        result = dict(status='failed' if error else 'passed', seconds=run['seconds'],
                      log=logfile, detail=detail)
        if error:
            result.update(error=error, tail=log_tail(logfile))
            print(result['tail'], flush=True)
        self.record(None, name, result)
        return not error

    # ---- distributed
    def distributed(self, method: str) -> None:
        """``method`` in 2 processes through tools/dist_train.sh (NCCL on GPUs, gloo on CPU),
        half the batch each."""
        a = self.args
        if a.dist == 'off':
            self.skip(None, 'dist', 'GPU_CHECK_DIST=off')
            return
        if a.dist == 'auto' and self.gpus < 2:
            reason = (f'{self.gpus} GPU: the 2-process NCCL run needs two' if a.device == 'cuda'
                      else 'CPU rehearsal (GPU_CHECK_DIST=on runs it with gloo)')
            self.skip(None, 'dist', reason)
            return
        config, _ = ALL_METHODS[method]
        work_dir = osp.join(self.work, 'dist')
        batch = max(1, a.batch // 2)
        opts = pretrain_options(self.configs[method], a, self.data_root, self.init_checkpoint,
                                osp.join(work_dir, 'mask_cache'), a.iters, batch, a.workers,
                                closest='_toyscenes' in config)
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
        env = child_env(PYTHON=sys.executable, PORT=port)
        if a.device == 'cpu':
            env['CUDA_VISIBLE_DEVICES'] = ''
        run = run_process(['bash', 'tools/dist_train.sh', config, '2', '--work-dir', work_dir,
                           '--cfg-options', *format_options(opts)],
                          osp.join(self.work, 'logs', 'dist.log'), a.timeout, env)
        records = read_scalars(work_dir)
        backend = 'NCCL' if a.device == 'cuda' else 'gloo'
        self._stage('dist', run, check_records(records, 1, a.iters),
                    detail=f'{method}, 2 processes ({backend}), batch {batch} each, loss '
                           + ', '.join(f'{r["loss"]:.4f}' for r in records))

    # ---- the whole check
    def gpu_slots(self) -> int:
        """Runs iterating at once after the timed phase: ``--jobs``, on CUDA no more than fit
        in GPU memory at the largest measured peak (x 1.25 for the allocator's cache, plus 1 GB
        of context), on each GPU."""
        jobs = self.args.jobs
        peaks = [r.get('peak_mb') or 0 for m in self.methods.values() for r in m.values()]
        if self.gpu_info and max(peaks, default=0) > 0:
            total = min(mb for _, mb in self.gpu_info)
            per_gpu = max(1, int(0.9 * total / (1.25 * max(peaks) + 1024)))
            jobs = min(jobs, per_gpu * max(1, self.gpus))
        return max(1, jobs)

    def run(self) -> bool:
        a = self.args
        t0 = time.time()
        self.prepare()
        # fp32, timed: one run iterates at a time (each waits at its loop's start for the one
        # before it to end), up to --starts of them start up meanwhile
        start = time.time()
        starting = threading.Semaphore(a.starts)
        previous, threads = None, []
        for i, method in enumerate(a.methods, 1):
            starting.acquire()
            turn = Turn(previous)
            log(f'[{i}/{len(a.methods)}] {method} fp32: {ALL_METHODS[method][0]}')

            def one(m=method, gate=turn):
                try:
                    self.train(m, 'fp32', workers=a.workers, gate=gate)
                finally:
                    starting.release()

            threads.append(threading.Thread(target=one))
            threads[-1].start()
            previous = turn
        for thread in threads:
            thread.join()
        self.timing['fp32 runs, iterating one at a time'] = time.time() - start
        # resume, AMP and the segmentation chain: several iterate at once (GPU memory), more
        # start up meanwhile
        slots = self.gpu_slots()
        gate = Slots(slots)
        workers = a.workers if a.workers is not None else \
            max(1, (self.cores - a.starts) // slots - 1)
        seg_method = SEG_SOURCE if SEG_SOURCE in a.methods else a.methods[0]
        log(f'resume, AMP and segmentation runs: {slots} iterating at once, {a.starts} more '
            f'starting, {workers} loader workers each')
        start = time.time()
        gpus = iter(range(10**6))

        def next_gpu():
            return next(gpus) % max(1, self.gpus)

        tasks = [lambda g=next_gpu(): self.segmentation(  # the longest chain first
            seg_method, workers=workers, gpu=g, gate=gate)]
        for method in a.methods:
            tasks.append(lambda m=method, g=next_gpu(): self.after_fp32(
                m, 'resume', workers=workers, gpu=g, gate=gate))
            if a.device == 'cuda':
                tasks.append(lambda m=method, g=next_gpu(): self.after_fp32(
                    m, 'amp', workers=workers, gpu=g, gate=gate))
            else:
                self.skip(method, 'amp', "CPU: mmengine's AmpOptimWrapper needs CUDA")
        with ThreadPoolExecutor(slots + a.starts) as pool:
            for future in [pool.submit(t) for t in tasks]:
                future.result()
        self.timing[f'resume, AMP, segmentation runs ({slots} iterating at once)'] = \
            time.time() - start
        for method in a.methods:
            self.drop_checkpoints(osp.join(self.work, method, 'fp32'))
        start = time.time()
        self.distributed(seg_method)
        self.timing['2-process run'] = time.time() - start
        for sub in ('dist', 'seg', 'seg/train'):
            self.drop_checkpoints(osp.join(self.work, sub))
        self.seconds = time.time() - t0
        return self.passed()

    def passed(self) -> bool:
        """Every stage ran and none failed (skips with a reason are allowed)."""
        results = [r for m in self.methods.values() for r in m.values()] + \
            list(self.stages.values())
        complete = all(set(m) == {'fp32', 'resume', 'amp'} for m in self.methods.values()) and \
            {'data', 'seg_convert', 'seg_train', 'seg_test', 'dist'} <= set(self.stages)
        return complete and all(r['status'] in ('passed', 'skipped') for r in results)


# --------------------------------------------------------------------------------------------
# the report


def _ratio(value, ref):
    return f'{value / ref:.2f}' if value and ref else '–'


def _fmt(value, spec='.0f'):
    return '–' if value is None else format(value, spec)


def method_rows(acc) -> list:
    """The per-method table (markdown lines)."""
    a = acc.args
    refs = {m: acc.methods.get(m, {}).get('fp32', {}) for m in REFERENCES}
    mem = 'peak MB' if a.device == 'cuda' else 'peak RSS MB'
    lines = [f'| method | fp32 loss, it 1 → {a.iters} | resume loss, it {a.iters + 1} → '
             f'{a.iters + a.resume_iters} | AMP it-1 loss − fp32 | AMP steps skipped | images/s '
             f'| x MoCo v2 | x DenseCL | data s/it | {mem} | mem x MoCo v2 | mem x DenseCL | '
             'AMP peak MB | fp32 run s (start-up + save) | result |', '|' + '---|' * 15]
    for m in a.methods:
        r = acc.methods[m]
        fp32, res, amp = r.get('fp32', {}), r.get('resume', {}), r.get('amp', {})

        def losses(x):
            ls = x.get('losses') or []
            return ' → '.join(f'{v:.4f}' for v in ls[:1] + ls[1:][-1:]) or '–'

        if amp.get('status') == 'skipped':
            diff = skipped = 'skipped'
        else:
            diff = (f'{amp["loss_diff"]:+.4f} (tol {amp["tolerance"]:.3f})'
                    if 'loss_diff' in amp else '–')
            skipped = f'{amp["skipped"]} of {a.iters}' if 'skipped' in amp else '–'
        img, peak = fp32.get('images_per_s'), fp32.get('peak_mb')
        failed = [f'{s}: {x.get("error")}' for s, x in r.items() if x.get('status') == 'failed']
        result = 'passed' if not failed and len(r) == 3 else \
            'FAILED ' + '; '.join(failed).replace('|', '/')
        run_s = (f'{fp32["seconds"]:.0f} ({fp32["overhead_s"]:.0f})' if 'overhead_s' in fp32
                 else '–')
        lines.append(
            f'| {ALL_METHODS[m][1]} | {losses(fp32)} | {losses(res)} | {diff} | {skipped} | '
            f'{_fmt(img, ".1f")} | {_ratio(img, refs["mocov2"].get("images_per_s"))} | '
            f'{_ratio(img, refs["densecl"].get("images_per_s"))} | '
            f'{_fmt(fp32.get("data_s"), ".3f")} | {_fmt(peak)} | '
            f'{_ratio(peak, refs["mocov2"].get("peak_mb"))} | '
            f'{_ratio(peak, refs["densecl"].get("peak_mb"))} | {_fmt(amp.get("peak_mb"))} | '
            f'{run_s} | {result} |')
    return lines


def report(acc) -> str:
    from ssl4dp_mm.benchmarking.results_file import environment_line, versions
    a = acc.args
    if a.device == 'cuda':
        names = ', '.join(dict.fromkeys(f'{n} ({mb / 1024:.0f} GiB)' for n, mb in acc.gpu_info))
        device = f'{acc.gpus} x {names}'
    else:
        device = f'CPU ({acc.cores} cores)'
    passed = acc.passed()
    views = f'{a.view} px' if a.view else "the configs' own"
    memory = ('torch.cuda.max_memory_allocated as mmengine logs it' if a.device == 'cuda' else
              'peak resident set of the process (CPU)')
    lines = [f'# GPU acceptance check ({a.device}): {"PASSED" if passed else "FAILED"}', '',
             environment_line(device, versions('torch', 'mmengine'),
                              f'{acc.seconds:.0f} s for the runs below'), '',
             '`bash benchmarks/gpu_check.sh` (benchmarks/gpu_acceptance.py). Each method: '
             'tools/train.py with its config (ResNet-50 VOC unless named) from a synthetic MoCo '
             f'v2 checkpoint, {a.iters} iteration(s) in fp32, --resume for {a.resume_iters} more, '
             f'{a.iters} under --amp; batch {a.batch}, generated VOC aug images of '
             f'{a.image[1]}x{a.image[0]}, {views} views, masks computed by the loader. images/s: '
             'batch / median iteration time after the first, loader included, one fp32 run '
             'iterating at a time (the next ones start up meanwhile); ratios to MMSelfSup\'s '
             f'MoCo v2 and DenseCL of this run. Peak memory: {memory}. AMP: |loss(it 1) − fp32| '
             f'≤ {a.amp_rtol} x |fp32| + {a.amp_atol}; skipped steps from the loss scaler\'s saved '
             'scale (2^16 halved per skip). Resume and AMP runs iterate several at a time (their '
             'times are not compared). Run s: the fp32 process, (its seconds beyond the '
             'iterations: start-up and the checkpoint).', '']
    lines += method_rows(acc)
    lines += ['', '| stage | result | seconds | detail |', '|---|---|---|---|']
    for name, r in acc.stages.items():
        status = r['status'] if r['status'] != 'failed' else f'FAILED: {r.get("error")}'
        detail = r.get('detail') or r.get('reason') or ''
        lines.append(f'| {name} | {status} | {r.get("seconds", 0):.0f} | '
                     f'{detail.replace("|", "/")} |')
    lines += ['', 'Wall time of each phase (s): ' + ', '.join(
        f'{name} {seconds:.0f}' for name, seconds in acc.timing.items())
        + f'; all {acc.seconds:.0f}.']
    return '\n'.join(lines) + '\n'


def main(argv=None) -> int:
    args = parse_args(argv)
    log(f'{args.device}: {len(args.methods)} methods ({" ".join(args.methods)}), {args.iters} '
        f'+ {args.resume_iters} iterations, batch {args.batch}, images {args.image[1]}x'
        f'{args.image[0]}, views {args.view or "as configured"}, work dir {args.work_dir}')
    if args.check_settings:
        return 0
    acc = Acceptance(args)
    try:
        acc.run()
    except KeyboardInterrupt:
        for pid in list(LIVE):
            kill_group(pid)
        print('[gpu_acceptance] interrupted; its runs were killed', flush=True)
        os._exit(130)  # threads still wait on the killed runs' turns
    table = report(acc)
    print('\n' + table, flush=True)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        f.write(table)
    data = dict(passed=acc.passed(), seconds=acc.seconds, device=args.device,
                settings={k: v for k, v in vars(args).items()}, methods=acc.methods,
                stages=acc.stages)
    with open(osp.splitext(args.out)[0] + '.json', 'w') as f:
        json.dump(data, f, indent=1, default=str)
    log(f'{"passed" if data["passed"] else "FAILED"}; table {args.out}')
    return 0 if data['passed'] else 1


if __name__ == '__main__':
    sys.exit(main())
