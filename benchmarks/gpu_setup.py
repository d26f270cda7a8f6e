"""Set-up stages of benchmarks/gpu_check.sh: wheels for an offline GPU machine, the dependency
checks, the install. Standard library only: it runs before anything it installs.

    python benchmarks/gpu_setup.py download --dest .whl      # where pip reaches an index
    python benchmarks/gpu_setup.py preflight --device cuda   # before the install and the mmcv build
    python benchmarks/gpu_setup.py install --site /tmp/ssl4dp_site
    python benchmarks/gpu_setup.py build-check               # ninja, setuptools < 81, wheel

The GPU machine brings its own Python (3.12), torch, NumPy, OpenCV, SciPy, scikit-image/-learn and
matplotlib and has no package index. What it lacks travels as wheels (``download`` fetches them for
its Python): the pure-Python OpenMMLab packages at the project's pins (always installed, into
``--site``, never over the machine's own site-packages) and a few small packages installed only
where the machine lacks them (:data:`IF_MISSING`: rich, einops, ninja, ...). mmcv 2.0.1 comes as
its sdist and is built there against the machine's torch (tools/build_mmcv.sh).
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
MMCV_VERSION = '2.0.1'
# installed into --site whatever the machine has: the OpenMMLab stack at the project's pins, the
# small packages it imports that a CUDA image rarely has, and setuptools < 81 for mmcv's setup.py
# (it imports pkg_resources)
PINNED = ['mmengine==0.10.7', 'mmsegmentation==1.2.2', 'mmselfsup==1.0.0', 'mmcls==1.0.0rc6',
          'addict==2.4.0', 'yapf==0.43.0', 'termcolor==3.1.0', 'prettytable==3.16.0',
          'ftfy==6.3.1', 'wcwidth==0.2.13', 'platformdirs==4.3.8', 'model-index==0.1.11',
          'ordered-set==4.1.0', 'setuptools==80.9.0']
# installed only where the machine lacks the distribution: mmengine / mmcls need rich, mmselfsup
# imports einops, the mmcv build needs ninja (without it one file compiles at a time: the build
# alone then outlasts the whole check), model-index needs markdown and click
IF_MISSING = ['rich==14.0.0', 'markdown-it-py==3.0.0', 'mdurl==0.1.2', 'pygments==2.19.1',
              'einops==0.8.1', 'ninja==1.11.1.4', 'markdown==3.8', 'click==8.2.1', 'wheel==0.45.1',
              'packaging==25.0', 'pyyaml==6.0.2', 'regex==2024.11.6', 'tqdm==4.67.1']
# distribution of requirements/runtime.txt -> the module it provides; those the machine must hold
# itself (binary and large) are named in the error, the others travel in IF_MISSING / PINNED
RUNTIME_MODULES = {'numpy': 'numpy', 'opencv-python': 'cv2', 'scikit-image': 'skimage',
                   'scikit-learn': 'sklearn', 'matplotlib': 'matplotlib', 'tqdm': 'tqdm',
                   'ftfy': 'ftfy', 'regex': 'regex', 'torch': 'torch', 'torchvision': 'torchvision'}
PLATFORMS = ['manylinux_2_28_x86_64', 'manylinux_2_27_x86_64', 'manylinux_2_17_x86_64',
             'manylinux2014_x86_64', 'manylinux_2_12_x86_64', 'manylinux2010_x86_64',
             'manylinux_2_5_x86_64', 'manylinux1_x86_64', 'any']


def log(msg: str) -> None:
    print(f'[gpu_setup] {msg}', flush=True)


def fail(msg: str) -> None:
    print(f'[gpu_setup] ERROR: {msg}', file=sys.stderr, flush=True)
    sys.exit(1)


def norm(name: str) -> str:
    """A distribution name as wheel files and metadata compare it (PEP 503, '-' -> '_')."""
    return re.sub(r'[-_.]+', '_', name).lower()


def spec_name(spec: str) -> str:
    return norm(re.split(r'[=<>!~ ]', spec, maxsplit=1)[0])


def wheel_name(path: str) -> str:
    return norm(osp.basename(path).split('-')[0])


def runtime_requirements() -> list:
    """Distribution names in requirements/runtime.txt (comments and pins dropped)."""
    names = []
    with open(osp.join(ROOT, 'requirements', 'runtime.txt')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(re.split(r'[=<>!~; ]', line, maxsplit=1)[0])
    return names


def probe(python: str, code: str, site: str = None) -> subprocess.CompletedProcess:
    """Run ``code`` in ``python``; with ``site``, that folder first on its path (else none of
    ours: the machine's own packages)."""
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(p for p in (site, ROOT) if p) if site else ''
    return subprocess.run([python, '-c', code], capture_output=True, text=True, env=env)


def installed(python: str) -> set:
    """Normalised names of the distributions ``python`` has without our site folder."""
    out = probe(python, 'import importlib.metadata as m; '
                        'print("\\n".join(d.metadata["Name"] or "" for d in m.distributions()))')
    return {norm(n) for n in out.stdout.split()}


def cmd_download(args) -> None:
    """Wheels for the GPU machine's Python (every package either list names; which are installed
    is decided there) and mmcv's sdist, into ``args.dest``."""
    os.makedirs(args.dest, exist_ok=True)
    plats = [a for p in PLATFORMS for a in ('--platform', p)]
    subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps',
                    '--only-binary=:all:', '--python-version', args.python_version,
                    '--implementation', 'cp', *plats, '-d', args.dest, *PINNED, *IF_MISSING],
                   check=True)
    subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps',
                    '--no-build-isolation', '--no-binary', ':all:', f'mmcv=={MMCV_VERSION}', '-d',
                    args.dest], check=True)
    names = sorted(os.listdir(args.dest))
    size = sum(osp.getsize(osp.join(args.dest, n)) for n in names) / 2**20
    log(f'{len(names)} files, {size:.1f} MiB in {args.dest}:\n  ' + '\n  '.join(names))


def build_std(python: str) -> str:
    """The C++ standard tools/build_mmcv.sh compiles mmcv's ops with for ``python``'s torch
    (``--cxx-std``; MMCV_CXX_STD overrides), or c++20 where the script cannot say."""
    if os.environ.get('MMCV_CXX_STD'):
        return os.environ['MMCV_CXX_STD']
    out = subprocess.run(['bash', osp.join(ROOT, 'tools', 'build_mmcv.sh'), '--cxx-std', python],
                         capture_output=True, text=True)
    std = out.stdout.strip()
    return std if out.returncode == 0 and re.fullmatch(r'c\+\+\d\d', std) else 'c++20'


def check_compiler(python: str) -> str:
    """A C++ compiler that takes the standard the mmcv build uses for ``python``'s torch."""
    cxx = os.environ.get('CXX') or shutil.which('c++') or shutil.which('g++')
    if not cxx:
        fail('no C++ compiler (c++ / g++ on PATH, or CXX): the mmcv ops cannot be built. '
             'Install build-essential (apt-get install g++) or point CXX at one.')
    std = build_std(python)
    with tempfile.TemporaryDirectory() as tmp:
        src = osp.join(tmp, 't.cpp')
        with open(src, 'w') as f:
            f.write('#include <vector>\nint main() { return std::vector<int>{1}.size() - 1; }\n')
        proc = subprocess.run([cxx, f'-std={std}', '-c', src, '-o', osp.join(tmp, 't.o')],
                              capture_output=True, text=True)
    if proc.returncode:
        fail(f'{cxx} cannot compile -std={std} (what torch\'s headers need here): '
             f'{proc.stderr.strip()[-300:]}')
    log(f'C++ compiler: {cxx} (-std={std} ok)')
    return cxx


# what the preflight asks the target interpreter, in one process (torch is imported once): its
# distributions, torch and the GPUs it sees, which runtime modules fail to import, and (with our
# site folder first on the path) whether mmcv's ops import
PROBE = """
import importlib, importlib.metadata as md, json, sys
out = dict(dists=[d.metadata['Name'] or '' for d in md.distributions()], missing=[],
           python=sys.version.split()[0])
try:
    import torch
    out.update(torch=torch.__version__, cuda=torch.cuda.is_available(),
               gpus=torch.cuda.device_count())
except Exception as err:
    out['torch_error'] = repr(err)
for dist, module in MODULES:
    try:
        importlib.import_module(module)
    except Exception:
        out['missing'].append(dist)
sys.path[:0] = SITE
try:
    import mmcv, mmcv.ops
    out['mmcv'] = mmcv.__version__
except Exception:
    out['mmcv'] = None
print('PROBE ' + json.dumps(out))
"""


def cmd_preflight(args) -> None:
    """Everything the later stages need, checked before the install and the mmcv build."""
    # requirements/runtime.txt and torchvision (MMSelfSup's datasets import it)
    dists = runtime_requirements() + ['torchvision']
    modules = sorted((d, RUNTIME_MODULES.get(d, d.replace('-', '_'))) for d in dists)
    code = PROBE.replace('MODULES', repr(modules)).replace('SITE', repr([args.site, ROOT]))
    proc = probe(args.python, code)
    lines = [line for line in proc.stdout.splitlines() if line.startswith('PROBE ')]
    if proc.returncode or not lines:
        fail(f'{args.python} could not run the probe: {proc.stderr.strip()[-400:]}')
    found = json.loads(lines[-1][len('PROBE '):])
    if 'torch_error' in found:
        log(f'python {found["python"]} ({args.python})')
        fail(f'torch does not import in {args.python}: {found["torch_error"]}\n'
             'This check uses the machine\'s own torch; set PYTHON to the interpreter that has it.')
    log(f'python {found["python"]} ({args.python}), torch {found["torch"]}, cuda available '
        f'{found["cuda"]}, {found["gpus"]} GPU(s)')
    if args.device == 'cuda':
        if not shutil.which('nvidia-smi'):
            fail('GPU_CHECK_DEVICE=cuda but nvidia-smi is not on PATH (no NVIDIA driver?). '
                 'Run with GPU_CHECK_DEVICE=cpu for the CPU rehearsal.')
        smi = subprocess.run(['nvidia-smi', '--query-gpu=name,memory.total,driver_version',
                              '--format=csv,noheader'], capture_output=True, text=True)
        if smi.returncode:
            fail(f'nvidia-smi failed: {smi.stderr.strip() or smi.stdout.strip()}')
        log('nvidia-smi: ' + '; '.join(smi.stdout.strip().splitlines()))
        if not found['cuda']:
            fail(f'nvidia-smi sees a GPU but torch {found["torch"]} does not '
                 '(torch.cuda.is_available() is False): a CPU-only torch, or a driver too old '
                 'for its CUDA.')
    wheels = sorted(glob.glob(osp.join(args.wheels, '*.whl')))
    have = {norm(n) for n in found['dists']}
    offline = bool(wheels)
    log(f'{len(wheels)} wheels in {args.wheels}' if offline else
        f'no wheels in {args.wheels}: the install stage uses the package index')
    in_wheels = {wheel_name(w) for w in wheels}
    if offline:
        lacking = [s for s in PINNED if spec_name(s) not in in_wheels]
        if lacking:
            fail(f'{args.wheels} lacks wheels of {lacking}: run bash benchmarks/gpu_check.sh '
                 '--download where pip reaches an index, and bring the folder along.')
    # a missing runtime module is fine only if the install stage provides it
    provided = {spec_name(s) for s in PINNED + IF_MISSING}
    missing = [d for d in found['missing'] if not (
        norm(d) in provided and (not offline or norm(d) in in_wheels))]
    if missing:
        fail(f'{args.python} cannot import {missing} (requirements/runtime.txt, torchvision) and '
             f'the install stage does not provide them: install them in the image, or add their '
             f'wheels to {args.wheels} (pip download --python-version 3.12 --only-binary=:all:)')
    if found['mmcv'] == MMCV_VERSION:
        log(f'mmcv {MMCV_VERSION} with ops already importable: no build')
        return
    check_compiler(args.python)
    if not shutil.which('ninja') and 'ninja' not in in_wheels and 'ninja' not in have:
        fail('ninja is missing (not on PATH, no ninja wheel in '
             f'{args.wheels}): without it the mmcv build compiles one file at a time and takes '
             'longer than the whole check. pip install ninja, or --download its wheel.')
    sdist = osp.join(args.wheels, f'mmcv-{MMCV_VERSION}.tar.gz')
    if offline and not osp.isfile(sdist):
        fail(f'mmcv must be built here and {sdist} is missing (bash benchmarks/gpu_check.sh '
             '--download fetches it)')
    log('preflight ok')


def cmd_install(args) -> None:
    """The pinned packages into ``args.site``; :data:`IF_MISSING` only where the machine lacks
    them."""
    have = installed(args.python)
    wanted = PINNED + [s for s in IF_MISSING if spec_name(s) not in have]
    log(f'installing into {args.site}: ' + ' '.join(wanted))
    os.makedirs(args.site, exist_ok=True)
    base = [args.python, '-m', 'pip', 'install', '-q', '--no-deps', '--no-compile',
            '--no-cache-dir', '--upgrade', '--target', args.site]
    wheels = sorted(glob.glob(osp.join(args.wheels, '*.whl')))
    if wheels:
        by_name = {wheel_name(w): w for w in wheels}
        files = [by_name[spec_name(s)] for s in wanted if spec_name(s) in by_name]
        absent = [s for s in wanted if spec_name(s) not in by_name]
        if absent:
            fail(f'{args.wheels} lacks wheels of {absent} '
                 '(bash benchmarks/gpu_check.sh --download)')
        subprocess.run(base + ['--no-index'] + files, check=True)
    else:
        subprocess.run(base + wanted, check=True)
    out = probe(args.python, 'import mmengine, mmseg, mmselfsup, einops, rich; '
                             'print(mmengine.__version__, mmseg.__version__, '
                             'mmselfsup.__version__)', args.site)
    # mmseg / mmselfsup import mmcv, which may not be built yet: only the pure packages here
    if out.returncode and 'mmcv' not in out.stderr:
        fail(f'the installed packages do not import: {out.stderr.strip()[-600:]}')
    log('install ok')


def cmd_build_check(args) -> None:
    """What tools/build_mmcv.sh needs, with the site folder on the path."""
    ninja = shutil.which('ninja')
    if not ninja:
        fail('ninja is not on PATH after the install (PATH needs $SSL4DP_SITE/bin): the mmcv build '
             'would compile one file at a time')
    ver = subprocess.run([ninja, '--version'], capture_output=True, text=True)
    if ver.returncode:
        fail(f'{ninja} --version failed: {ver.stderr.strip()}')
    check_compiler(args.python)
    out = probe(args.python, 'import setuptools, wheel, torch.utils.cpp_extension as c; '
                             'c.verify_ninja_availability(); print(setuptools.__version__)',
                args.site)
    if out.returncode:
        fail(f'the mmcv build needs setuptools, wheel and ninja visible to torch: '
             f'{out.stderr.strip()[-400:]}')
    major = int(out.stdout.split('.')[0])
    if major >= 81:
        fail(f'setuptools {out.stdout.strip()} has no pkg_resources, which mmcv\'s setup.py '
             'imports: setuptools < 81 must come first on the path')
    log(f'build tools ok: ninja {ver.stdout.strip()}, setuptools {out.stdout.strip()}, '
        f'{os.cpu_count()} cores')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='cmd', required=True)
    for name in ('download', 'preflight', 'install', 'build-check'):
        p = sub.add_parser(name)
        p.add_argument('--python', default=os.environ.get('PYTHON', sys.executable),
                       help='the interpreter the check runs with')
        p.add_argument('--wheels', default=os.environ.get('SSL4DP_WHEELS', osp.join(ROOT, '.whl')))
        p.add_argument('--site', default=os.environ.get('SSL4DP_SITE', '/tmp/ssl4dp_site'))
        if name == 'download':
            p.add_argument('--dest', default=os.environ.get('SSL4DP_WHEELS',
                                                            osp.join(ROOT, '.whl')))
            p.add_argument('--python-version', default=os.environ.get('PYVER', '3.12'))
        if name == 'preflight':
            p.add_argument('--device', default=os.environ.get('GPU_CHECK_DEVICE', 'cuda'),
                           choices=['cuda', 'cpu'])
    args = parser.parse_args(argv)
    dict(download=cmd_download, preflight=cmd_preflight, install=cmd_install,
         **{'build-check': cmd_build_check})[args.cmd](args)


if __name__ == '__main__':
    main()
