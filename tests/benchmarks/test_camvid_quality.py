"""benchmarks/camvid_quality.py: the findings are computed from the table, and the whole chain
(pre-train on CamVid images, LP through the backbone-only probe, FT-10%) runs on the real data."""
import json
import os.path as osp
import subprocess
import sys

import pytest

from tests.conftest import ROOT, load_tool


def load_benchmark():
    return load_tool('camvid_quality', folder='benchmarks')


def fake_results(bench, scores):
    """scores: name -> (lp, ft10) means; the rest of each record from the benchmark's table."""
    out = {}
    for name, (lp, ft10) in scores.items():
        _, decoder, level, contrastive, label = bench.METHODS[name]
        out[name] = dict(name=name, label=label, decoder=decoder, level=level,
                         contrastive=contrastive, lp=[lp], ft10=[ft10])
    return out


def test_every_method_config_exists():
    bench = load_benchmark()
    for name, (config, *_rest) in bench.METHODS.items():
        if config is not None:
            assert osp.isfile(osp.join(bench.SELFSUP, config)), name
    for leaf in (bench.LP_DEC, bench.LP_LINEAR, bench.FT10):
        assert osp.isfile(leaf)


def test_findings_follow_the_numbers():
    bench = load_benchmark()
    scores = {'mocov2': (20.0, 40.0), 'mocodec-dec': (25.0, 41.0), 'plmoco': (22.0, 42.0),
              'plmoco-dec': (30.0, 43.0), 'plsiam-dec': (15.0, 40.0), 'detcons-dec': (28.0, 41.0),
              'detconb-dec': (18.0, 39.0), 'densecl': (21.0, 40.0)}
    lines = bench.findings(fake_results(bench, scores))
    assert lines[0].startswith('- Pre-training with a decoder helps (LP-100%): holds')
    assert 'PLMoCo w/dec 30.00 vs PLMoCo w/o dec 22.00' in lines[0]
    assert lines[1].startswith('- Pre-training with a decoder helps (FT-10%): holds')
    # contrastive patch-level mean: plmoco 22, plmoco-dec 30, densecl 21 -> 24.33; image: 22.5
    assert lines[2].startswith('- Patch-level beats image-level in linear probe: holds')
    assert '3 contrastive patch-level runs 24.33 vs 2 image-level 22.50' in lines[2]
    assert lines[3].startswith('- Non-contrastive methods trail their contrastive counterparts in '
                               'linear probe: holds')

    scores.update({'plmoco': (31.0, 44.0), 'plsiam-dec': (35.0, 40.0), 'densecl': (5.0, 40.0)})
    lines = bench.findings(fake_results(bench, scores))
    assert lines[0].startswith('- Pre-training with a decoder helps (LP-100%): mixed')
    assert lines[1].startswith('- Pre-training with a decoder helps (FT-10%): mixed')
    # like for like PLMoCo beats MoCo (w/dec and w/o), but DenseCL (5) trails MoCo v2 and the
    # contrastive patch-level mean (31 + 30 + 5) / 3 = 22.00 < image-level 22.50
    assert lines[2].startswith('- Patch-level beats image-level in linear probe: mixed')
    assert 'mean of 3 contrastive patch-level runs 22.00 vs 2 image-level 22.50' in lines[2]
    scores.update({'plmoco-dec': (24.0, 43.0), 'plmoco': (19.0, 44.0)})
    assert bench.findings(fake_results(bench, scores))[2].startswith(
        '- Patch-level beats image-level in linear probe: does not hold')
    assert lines[3].startswith('- Non-contrastive methods trail their contrastive counterparts in '
                               'linear probe: mixed')


def test_cells_show_mean_and_sample_std():
    bench = load_benchmark()
    assert bench.cell([]) == '–'
    assert bench.cell([41.0]) == '41.00'
    assert bench.cell([40.0, 42.0]) == '41.00 ± 1.41'


def test_benchmark_runs_on_camvid(camvid_root, tmp_path):
    """Two iterations each: PLMoCo w/o dec pre-trains on the CamVid images, its LP reads the backbone
    (linear leaf), FT-10% trains on the seeded 37-image split; the table and JSON are written."""
    out = tmp_path / 'table.md'
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'benchmarks', 'camvid_quality.py'), '--data-root',
         camvid_root, '--methods', 'plmoco', '--pretrain-iters', '2', '--eval-iters', '2',
         '--workers', '0', '--work-dir', str(tmp_path / 'work'), '--out', str(out)],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    record = json.loads((tmp_path / 'table.json').read_text())['plmoco']
    assert record['pretrain']['iters'] == 2
    assert 0 <= record['lp'][0] <= 100 and 0 <= record['ft10'][0] <= 100
    config = (tmp_path / 'work' / 'eval' / 'plmoco').glob('*/lp/seed0/config.py')
    assert 'num_convs=0' in next(config).read_text().replace(' ', '')
    split = next((tmp_path / 'work' / 'eval' / 'plmoco').glob('*/ft10/seed0/eval_result.json'))
    assert json.loads(split.read_text())['mIoU'] == record['ft10'][0]
    table = out.read_text()
    assert '| PLMoCo w/o dec | no | patch | yes |' in table
    assert 'Reference findings at this scale' in table


def test_findings_of_a_subset_say_not_measured():
    bench = load_benchmark()
    lines = bench.findings(fake_results(bench, {'random': (10.0, 20.0), 'plmoco-dec': (30., 40.)}))
    assert len(lines) == 4
    assert all('not measured' in line and 'does not hold' not in line for line in lines)
    assert lines[3].startswith('- Non-contrastive methods trail their contrastive counterparts in '
                               'linear probe: not measured')


def test_variants_are_judged_against_twice_the_combined_standard_error():
    bench = load_benchmark()
    results = fake_results(bench, {'plmoco-dec': (0., 0.), 'plmoco-dec-nearneg': (0., 0.),
                                   'plmoco': (30., 40.), 'mocov2': (10., 10.)})
    results['plmoco-dec'].update(lp=[20., 21., 22.], ft10=[30., 30.5, 31.])
    results['plmoco-dec-nearneg'].update(lp=[17., 18., 19.], ft10=[30., 31., 32.])
    lines = bench.variant_findings(results)
    # LP: +3.00; std 1 each, combined SE sqrt(1/3 + 1/3) = 0.816 -> 2 SE 1.63: a finding
    assert lines[0] == ('- LP-100%: PLMoCo w/dec 21.00 ± 1.00 vs PLMoCo w/dec, near cells negatives '
                        '(before) 18.00 ± 1.00: +3.00, larger than twice the combined standard '
                        'error (1.63): a finding.')
    # FT-10%: -0.50; std 0.5 and 1 -> SE sqrt(0.25/3 + 1/3) = 0.645 -> 1.29: not a finding
    assert lines[1].endswith('-0.50, within twice the combined standard error (1.29): not a finding.')
    assert len(lines) == 2  # the other variants were not run
    # variants stay out of the level means of the reference findings: PLMoCo w/ and w/o dec only
    assert 'mean of 2 contrastive patch-level runs 25.50 vs 1 image-level 10.00' in \
        bench.findings(results)[2]
