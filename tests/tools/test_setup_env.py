"""The set-up's checks: a GPU that torch cannot see stops it (tools/check_gpu_visible.py, run
with a stand-in ``nvidia-smi``), and tools/build_mmcv.sh picks the C++ standard torch demands."""
import os
import os.path as osp
import re
import stat
import subprocess
import sys

import pytest
import torch

from tests.conftest import ROOT, load_tool

CHECK = osp.join(ROOT, 'tools', 'check_gpu_visible.py')
SMI_HEADER = """\
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 535.104.05             Driver Version: 535.104.05   CUDA Version: 12.2     |
|-----------------------------------------+------------------------+----------------------+
| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |
|   0  NVIDIA A100-SXM4-40GB          On  |   00000000:07:00.0 Off |                    0 |
"""


def _fake_smi(folder, text, status=0):
    """A stand-in ``nvidia-smi`` in ``folder`` that prints ``text`` and exits with ``status``."""
    folder.mkdir()
    smi = folder / 'nvidia-smi'
    smi.write_text(f'#!{sys.executable}\nimport sys\n'
                   f'sys.stdout.write({text!r})\nsys.exit({status})\n')
    smi.chmod(smi.stat().st_mode | stat.S_IEXEC)
    return str(folder)


def _run_check(path, **env):
    """tools/check_gpu_visible.py with this interpreter, ``PATH=path`` and ``env`` on top."""
    full = {k: v for k, v in os.environ.items() if k not in ('SSL4DP_ALLOW_CPU', 'PATH')}
    full.update(PATH=path, **env)
    return subprocess.run([sys.executable, CHECK], capture_output=True, text=True, env=full,
                          timeout=120)


def _wheel_words():
    return f'built for CUDA {torch.version.cuda}' if torch.version.cuda else 'a CPU-only build'


def test_stops_when_a_listed_gpu_is_invisible_to_torch(tmp_path):
    bin_dir = _fake_smi(tmp_path / 'bin', SMI_HEADER)
    # CUDA_VISIBLE_DEVICES='' hides any real GPU, so torch sees none here on every machine
    proc = _run_check(bin_dir, CUDA_VISIBLE_DEVICES='')
    assert proc.returncode == 1, proc.stdout + proc.stderr
    err = proc.stderr
    assert 'ERROR' in err and 'training would run on the CPU' in err
    assert 'Driver Version: 535.104.05, CUDA Version: 12.2' in err
    assert f'driver: CUDA 12.2; torch wheel: {_wheel_words()}.' in err
    assert f'SSL4DP_TORCH="torch=={torch.__version__.split("+")[0]}" ' in err
    assert 'SSL4DP_TORCH_INDEX=https://download.pytorch.org/whl/cu126 ' in err  # a 12.x wheel
    assert 'SSL4DP_TORCH=keep' in err and 'SSL4DP_ALLOW_CPU=1' in err
    assert 'device:' not in proc.stdout


def test_passes_without_nvidia_smi(tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    proc = _run_check(str(empty))
    assert proc.returncode == 0, proc.stderr
    expected = 'cuda' if torch.cuda.is_available() else 'cpu'
    assert proc.stdout.startswith(f'[check_gpu_visible] device: {expected}'), proc.stdout


def test_allow_cpu_turns_the_stop_into_a_warning(tmp_path):
    bin_dir = _fake_smi(tmp_path / 'bin', SMI_HEADER)
    proc = _run_check(bin_dir, CUDA_VISIBLE_DEVICES='', SSL4DP_ALLOW_CPU='1')
    assert proc.returncode == 0, proc.stderr
    assert 'WARNING (SSL4DP_ALLOW_CPU=1, continuing)' in proc.stderr
    assert 'CUDA Version: 12.2' in proc.stderr
    assert proc.stderr.rstrip().endswith('[check_gpu_visible] device: cpu')


def test_a_failing_nvidia_smi_means_no_usable_gpu(tmp_path):
    said = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"
    bin_dir = _fake_smi(tmp_path / 'bin', said, status=9)
    proc = _run_check(bin_dir, CUDA_VISIBLE_DEVICES='')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ('[check_gpu_visible] device: cpu (nvidia-smi failed with exit '
                                   f'status 9: {said.strip()}; no usable GPU here)')


@pytest.mark.parametrize('driver,tag', [((11, 4), 'cu118'), ((12, 2), 'cu126'),
                                        ((13, 1), 'cu130'), ((14, 0), 'cu130'), ((10, 2), None)])
def test_suggested_index_follows_the_driver_major_version(driver, tag):
    check = load_tool('check_gpu_visible')
    assert check.suggested_index_tag(driver) == tag
    assert check.driver_cuda(SMI_HEADER) == '12.2'
    assert check.driver_cuda('no header') is None


def test_build_mmcv_picks_the_cxx_standard_that_torch_headers_demand():
    proc = subprocess.run(['bash', osp.join(ROOT, 'tools', 'build_mmcv.sh'), '--cxx-std',
                           sys.executable], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    header = osp.join(osp.dirname(torch.__file__), 'include', 'ATen', 'ATen.h')
    with open(header, encoding='utf-8') as f:
        demanded = re.search(r'#error C\+\+(\d+) or later compatible compiler', f.read())
    assert demanded, f'no C++ standard #error in {header}'
    assert proc.stdout.strip() == f'c++{demanded.group(1)}'
