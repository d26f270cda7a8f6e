"""Stop when this machine has an NVIDIA GPU that the installed torch cannot use.

    python tools/check_gpu_visible.py    # with the venv's python; tools/setup_env.sh runs it

Prints the device that training will use (``cuda`` with the GPUs' names, or ``cpu``) and exits 0.
Where ``nvidia-smi`` runs and lists a GPU but ``torch.cuda.is_available()`` is False, mmengine would
train on the CPU with no more than a warning: the script exits 1 instead, naming the CUDA version
the driver supports (nvidia-smi's "CUDA Version: X.Y") and the one torch was built for
(``torch.version.cuda``), and what to do. The usual cause is a torch wheel built for a newer CUDA
than the driver supports (torch 2.14's default wheel is built for CUDA 13.0 and needs a driver
>= 580).

Without ``nvidia-smi`` (a machine without an NVIDIA driver), or where it fails (a login node
without GPUs), the check passes: training uses the CPU. ``SSL4DP_ALLOW_CPU=1`` turns the stop into
a warning, for training on the CPU on purpose.
"""
import os
import re
import shutil
import subprocess
import sys
import warnings

# A CUDA build on PyTorch's index (download.pytorch.org/whl/<tag>) for each driver CUDA major
# version: a wheel runs on any driver of its CUDA major version (CUDA minor-version compatibility),
# and these tags have builds of the most torch versions (cu126: torch 2.6 to 2.10 and later).
_INDEX_TAG_BY_MAJOR = {11: 'cu118', 12: 'cu126', 13: 'cu130'}


def parse_version(text):
    """``'12.2'`` -> ``(12, 2)``; None for None or text without a version.

    Args:
        text (str | None): A version such as ``'12.2'`` or ``'13.0'``.

    Returns:
        tuple | None: (major, minor).
    """
    match = re.match(r'(\d+)\.(\d+)', text or '')
    return (int(match.group(1)), int(match.group(2))) if match else None


def driver_cuda(smi_output):
    """The CUDA version the driver supports, from ``nvidia-smi``'s header.

    Args:
        smi_output (str): What ``nvidia-smi`` printed.

    Returns:
        str | None: ``'X.Y'`` from ``CUDA Version: X.Y``, or None when it is not there.
    """
    match = re.search(r'CUDA Version:\s*(\d+\.\d+)', smi_output)
    return match.group(1) if match else None


def suggested_index_tag(driver):
    """A PyTorch index CUDA tag whose wheels run on a driver that supports CUDA ``driver``.

    Args:
        driver (tuple): (major, minor) from ``nvidia-smi``.

    Returns:
        str | None: e.g. ``'cu126'`` for a 12.x driver; None for a driver older than CUDA 11.
    """
    if driver[0] > max(_INDEX_TAG_BY_MAJOR):
        return _INDEX_TAG_BY_MAJOR[max(_INDEX_TAG_BY_MAJOR)]
    return _INDEX_TAG_BY_MAJOR.get(driver[0])


def _run_smi(smi):
    try:
        proc = subprocess.run([smi], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        return 1, str(err)
    return proc.returncode, proc.stdout + proc.stderr


def _cuda_state(torch):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        available = torch.cuda.is_available()
    said = ' '.join(str(w.message).strip() for w in caught)
    return available, said


def _stop_message(torch, smi_output, torch_said):
    driver_text = driver_cuda(smi_output)
    driver = parse_version(driver_text)
    built = parse_version(torch.version.cuda)
    version = torch.__version__.split('+')[0]
    wheel = (f'built for CUDA {torch.version.cuda}' if torch.version.cuda
             else 'a CPU-only build (torch.version.cuda is None)')
    driver_version = re.search(r'Driver Version:\s*([\d.]+)', smi_output)
    lines = [
        f'this machine has an NVIDIA GPU (nvidia-smi: Driver Version: '
        f'{driver_version.group(1) if driver_version else "unknown"}, '
        f'CUDA Version: {driver_text or "unknown"}), '
        f'but torch {torch.__version__} cannot use it (torch.cuda.is_available() is False), so '
        'training would run on the CPU.',
        f'  driver: CUDA {driver_text or "unknown"}; torch wheel: {wheel}.',
    ]
    if built and driver and built[0] > driver[0]:
        lines.append(f'  A CUDA {built[0]}.x wheel needs a driver for CUDA {built[0]}; this driver '
                     f'supports up to CUDA {driver_text}.')
    elif built and driver and built > driver:
        lines.append(f'  The wheel\'s CUDA {torch.version.cuda} is newer than the driver\'s '
                     f'{driver_text} (within one major version that usually works).')
    if os.environ.get('CUDA_VISIBLE_DEVICES') is not None:
        hidden = os.environ['CUDA_VISIBLE_DEVICES']
        lines.append(f'  CUDA_VISIBLE_DEVICES={hidden!r} is set (it can hide GPUs from torch).')
    if torch_said:
        lines.append(f'  torch says: {torch_said}')
    tag = (suggested_index_tag(driver) if driver else None) or 'cu<XY>'
    lines += [
        '  Do one of:',
        f'  - install a torch built for a CUDA that the driver supports (CUDA '
        f'{driver[0] if driver else "X"}.x), e.g.',
        f'      SSL4DP_TORCH="torch=={version}" SSL4DP_TORCH_INDEX='
        f'https://download.pytorch.org/whl/{tag} bash tools/setup_env.sh',
        '    (where that index has no build of this torch, name an older torch: '
        'SSL4DP_TORCH="torch==2.6.0"),',
        '  - keep a torch that already works on this machine (a cluster module, a container\'s): '
        'SSL4DP_TORCH=keep PYTHON=/path/to/that/python bash tools/setup_env.sh',
        '    (or a venv made with --system-site-packages: SSL4DP_TORCH=keep SSL4DP_VENV=<it>)',
        '  - update the NVIDIA driver,',
        '  - or train on the CPU on purpose: SSL4DP_ALLOW_CPU=1 bash tools/setup_env.sh',
    ]
    return '\n'.join(lines)


def describe_device(torch):
    """The device training will use, in words.

    Args:
        torch (module): The imported torch.

    Returns:
        str: e.g. ``'cuda (1 GPU: NVIDIA H100 80GB HBM3; torch CUDA 13.0)'`` or ``'cpu'``.
    """
    if torch.cuda.is_available():
        names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        count = f'{len(names)} GPU' + ('s' if len(names) > 1 else '')
        return f'cuda ({count}: {", ".join(names)}; torch CUDA {torch.version.cuda})'
    mps = getattr(torch.backends, 'mps', None)
    if mps is not None and mps.is_available():
        return 'mps'
    return 'cpu'


def main():
    """Check, print the device, and return the exit status.

    Returns:
        int: 0 when training can use what this machine has, 1 when a GPU is there but torch cannot
            use it (and ``SSL4DP_ALLOW_CPU`` is not 1).
    """
    import torch
    available, torch_said = _cuda_state(torch)
    smi = shutil.which('nvidia-smi')
    if available or smi is None:
        print(f'[check_gpu_visible] device: {describe_device(torch)}'
              + ('' if available else ' (no nvidia-smi on PATH: no NVIDIA driver here)'))
        return 0
    status, output = _run_smi(smi)
    if status != 0:
        first = output.strip().splitlines()[:1] or ['no output']
        print(f'[check_gpu_visible] device: cpu (nvidia-smi failed with exit status {status}: '
              f'{first[0]}; no usable GPU here)')
        return 0
    message = _stop_message(torch, output, torch_said)
    if os.environ.get('SSL4DP_ALLOW_CPU') == '1':
        print(f'[check_gpu_visible] WARNING (SSL4DP_ALLOW_CPU=1, continuing): {message}\n'
              '[check_gpu_visible] device: cpu', file=sys.stderr)
        return 0
    print(f'[check_gpu_visible] ERROR: {message}', file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
