"""benchmarks/camvid_quality.py: the findings are computed from the table, and the whole chain
(pre-train on CamVid images, LP through the backbone-only probe, FT-10%) runs on the real data."""
import json
import os.path as osp
import subprocess
import sys
import time

import pytest
from mmengine.config import Config

from ssl4dp_mm.benchmarking import camvid_report
from ssl4dp_mm.benchmarking import camvid_suite as suite
from ssl4dp_mm.benchmarking import claims, runner
from ssl4dp_mm.benchmarking.camvid_suite import CAMVID, ROWS
from ssl4dp_mm.manifest import METHODS
from tests.conftest import ROOT


def render(results, args, wall):
    """The results page with a fixed environment line."""
    return camvid_report.render(results, args, wall, 'env')


def record(name):
    """A row's JSON record without values, from the suite."""
    row = ROWS[name]
    return dict(name=name, label=row.label, decoder=row.has_decoder, level=row.level,
                contrastive=row.contrastive)


def fake_results(scores):
    """scores: name -> (lp, ft10) means; the rest of each record from the suite's rows."""
    return {name: dict(record(name), lp=[lp], ft10=[ft10]) for name, (lp, ft10) in scores.items()}


def leaves(name):
    """(--head, LP-100% leaf, FT-10% leaf) of a row."""
    row = ROWS[name]
    return row.head, row.leaf('lp'), row.leaf('ft10')


def test_every_method_config_exists():
    for name, row in ROWS.items():
        if row.pretrain_config is not None:
            assert osp.isfile(row.pretrain_config), name
            # in its method's folder of the manifest, a CamVid config
            prefix = osp.basename(row.pretrain_config).split('_')[0]
            assert osp.dirname(row.pretrain_config) == osp.join(
                ROOT, 'configs', 'selfsup', METHODS[prefix].folder), name
            assert row.pretrain_config.endswith('_1xb16-120i_camvid.py'), name
    for leaf in (suite.LP_DEC, suite.LP_LINEAR, suite.FT10):
        assert osp.isfile(leaf)
    for name in ROWS:
        head, lp, ft10 = leaves(name)
        assert osp.isfile(lp) and osp.isfile(ft10), name
    assert leaves('plmoco-dec-dlv3p')[0] == 'dlv3p'
    assert 'deeplabv3plus_r18-d8_lp-100i' in leaves('mocodec-dec-dlv3p')[1]
    assert leaves('mocodec-dec-nl')[0] == 'nl' and leaves('plmoco-dec-psp256')[0] == 'psp256'
    assert leaves('plmoco') == ('mocofcn', suite.LP_LINEAR, suite.FT10)
    assert leaves('plmoco-dec-nearneg') == ('mocofcn', suite.LP_DEC, suite.FT10)
    assert leaves('edmoco-dec') == ('mocofcn', suite.LP_DEC, suite.FT10)


def test_findings_follow_the_numbers():
    scores = {'mocov2': (20.0, 40.0), 'mocodec-dec': (25.0, 41.0), 'plmoco': (22.0, 42.0),
              'plmoco-dec': (30.0, 43.0), 'plsiam-dec': (15.0, 40.0), 'detcons-dec': (28.0, 41.0),
              'detconb-dec': (18.0, 39.0), 'densecl': (21.0, 40.0)}
    lines = claims.findings(fake_results(scores))
    assert lines[0].startswith('- Pre-training with a decoder helps (LP-100%): holds')
    assert 'PLMoCo w/dec 30.00 vs PLMoCo w/o dec 22.00' in lines[0]
    assert lines[1].startswith('- Pre-training with a decoder helps (FT-10%): holds')
    # contrastive patch-level mean: plmoco 22, plmoco-dec 30, densecl 21 -> 24.33; image: 22.5
    # the level means have a spread (between methods): only they are judged, the one-seed rows
    # by their means beside the verdict
    assert lines[2].startswith('- Patch-level beats image-level in linear probe: within the spread '
                               '(no difference beyond twice the combined standard error; by the '
                               'means for the 3 without a spread: holds)')
    assert '3 contrastive patch-level methods 24.33 vs 2 image-level 22.50' in lines[2]
    assert lines[3].startswith('- Non-contrastive methods trail their contrastive counterparts in '
                               'linear probe: holds')

    scores.update({'plmoco': (31.0, 44.0), 'plsiam-dec': (35.0, 40.0), 'densecl': (5.0, 40.0)})
    lines = claims.findings(fake_results(scores))
    assert lines[0].startswith('- Pre-training with a decoder helps (LP-100%): mixed')
    assert lines[1].startswith('- Pre-training with a decoder helps (FT-10%): mixed')
    # like for like PLMoCo beats MoCo (w/dec and w/o), but DenseCL (5) trails MoCo v2 and the
    # contrastive patch-level mean (31 + 30 + 5) / 3 = 22.00 < image-level 22.50
    assert lines[2].startswith('- Patch-level beats image-level in linear probe: within the spread')
    assert 'by the means for the 3 without a spread: mixed)' in lines[2]
    assert 'mean of 3 contrastive patch-level methods 22.00 vs 2 image-level 22.50' in lines[2]
    scores.update({'plmoco-dec': (24.0, 43.0), 'plmoco': (19.0, 44.0)})
    assert 'by the means for the 3 without a spread: does not hold)' in claims.findings(
        fake_results(scores))[2]
    assert lines[3].startswith('- Non-contrastive methods trail their contrastive counterparts in '
                               'linear probe: mixed')


def test_cells_show_mean_and_sample_std():
    assert claims.cell([]) == '–'
    assert claims.cell([41.0]) == '41.00'
    assert claims.cell([40.0, 42.0]) == '41.00 ± 1.41'


def test_benchmark_runs_on_camvid(camvid_root, tmp_path):
    """Two iterations each: PLMoCo w/o dec pre-trains on the CamVid images, its LP reads the
    backbone (linear leaf), FT-10% trains on the seeded 37-image split, FT-100% (asked for) on
    all; the table and JSON are written."""
    out = tmp_path / 'table.md'
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'benchmarks', 'camvid_quality.py'), '--data-root',
         camvid_root, '--methods', 'plmoco', '--pretrain-iters', '2', '--eval-iters', '2',
         '--pretrain-seeds', '1', '--frozen', 'knn', '--frozen-max-images', '4',
         '--protocols', 'lp', 'ft10', 'ft100',
         '--workers', '0', '--work-dir', str(tmp_path / 'work'), '--out', str(out)],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    record = json.loads((tmp_path / 'table.json').read_text())['plmoco']
    # pre-training seed 1: its own work dir, the seed in the config that ran
    pre = record['runs']['1']['pretrain']
    assert pre['iters'] == 2 and pre['seed'] == 1 and '/pretrain/plmoco_ps1/' in pre['checkpoint']
    ran = next((tmp_path / 'work' / 'pretrain' / 'plmoco_ps1').glob('*/vis_data/config.py'))
    assert 'seed=1' in ran.read_text().replace(' ', '')
    assert all(0 <= record[p][0] <= 100 for p in ('lp', 'ft10', 'ft100'))
    # FT-100% on every labelled image (FT-10% reads the seeded split)
    ran = {p: Config.fromfile(str(next((tmp_path / 'work' / 'eval' / 'plmoco_ps1').glob(
        f'*/{p}/seed0/config.py')))).train_dataloader.dataset for p in ('ft10', 'ft100')}
    assert ran['ft100'].get('ann_file') is None and '10pct' in ran['ft10'].ann_file
    config = (tmp_path / 'work' / 'eval' / 'plmoco_ps1').glob('*/lp/seed0/config.py')
    assert 'num_convs=0' in next(config).read_text().replace(' ', '')
    split = next((tmp_path / 'work' / 'eval' / 'plmoco_ps1').glob('*/ft10/seed0/eval_result.json'))
    assert json.loads(split.read_text())['mIoU'] == record['ft10'][0]
    # the frozen kNN read the backbone map LP-100% reads, on the first 4 images of each split
    knn = next((tmp_path / 'work' / 'eval_frozen' / 'plmoco_ps1').glob(
        '*/knn-stage4/seed0/eval_result.json'))
    assert json.loads(knn.read_text())['mIoU'] == record['knn'][0]
    table = out.read_text()
    assert '| LP-100% | FT-10% | FT-100% | kNN | pre-train s |' in table
    assert '| PLMoCo w/o dec | no | patch | yes |' in table
    assert 'Reference findings at this scale' in table


def test_findings_of_a_subset_say_not_measured():
    lines = claims.findings(fake_results({'random': (10.0, 20.0), 'plmoco-dec': (30., 40.)}))
    assert len(lines) == 4
    assert all('not measured' in line and 'does not hold' not in line for line in lines)
    assert lines[3].startswith('- Non-contrastive methods trail their contrastive counterparts in '
                               'linear probe: not measured')


def test_variants_are_judged_against_twice_the_combined_standard_error():
    results = fake_results({'plmoco-dec': (0., 0.), 'plmoco-dec-nearneg': (0., 0.),
                            'plmoco': (30., 40.), 'mocov2': (10., 10.)})
    results['plmoco-dec'].update(lp=[20., 21., 22.], ft10=[30., 30.5, 31.])
    results['plmoco-dec-nearneg'].update(lp=[17., 18., 19.], ft10=[30., 31., 32.])
    lines = claims.variant_findings(results)
    # LP: +3.00; std 1 each, combined SE sqrt(1/3 + 1/3) = 0.816 -> 2 SE 1.63: a finding
    assert lines[0] == ('- LP-100%: PLMoCo w/dec 21.00 ± 1.00 vs PLMoCo w/dec, near cells as '
                        'negatives 18.00 ± 1.00: +3.00, larger than twice the combined standard '
                        'error (1.63): a finding.')
    # FT-10%: -0.50; std 0.5 and 1 -> SE sqrt(0.25/3 + 1/3) = 0.645 -> 1.29: not a finding
    assert lines[1].endswith('-0.50, within twice the combined standard error (1.29): '
                             'not a finding.')
    assert len(lines) == 2  # the other variants were not run
    # variants stay out of the level means of the reference findings: PLMoCo w/ and w/o dec only
    assert 'mean of 2 contrastive patch-level methods 25.50 vs 1 image-level 10.00' in \
        claims.findings(results)[2]


def seeded_results(rows):
    """rows: name -> {protocol: [[values of pre-training seed 0], [seed 1], ...]}."""
    out = {}
    for name, protocols in rows.items():
        runs = {}
        for protocol, per_seed in protocols.items():
            for seed, values in enumerate(per_seed):
                runs.setdefault(str(seed), {})[protocol] = values
        out[name] = dict(record(name), runs=runs,
                         **{p: [v for vs in per_seed for v in vs]
                            for p, per_seed in protocols.items()})
    return out


def test_rows_spread_over_pretraining_seeds():
    """With several pre-training seeds a row's values are one per seed (the mean of its
    evaluation seeds); with one, its evaluation seeds."""
    results = seeded_results({'plmoco-dec': {'lp': [[10., 12.], [20., 22.], [30., 32.]]},
                              'plmoco': {'lp': [[5., 6., 7.]]}})
    assert claims.units(results['plmoco-dec'], 'lp') == [11., 21., 31.]
    assert claims.cell(claims.units(results['plmoco-dec'], 'lp')) == '21.00 ± 10.00'
    assert claims.units(results['plmoco'], 'lp') == [5., 6., 7.]
    assert claims.units(results['plmoco'], 'ft10') == []


def test_findings_count_differences_beyond_twice_the_combined_standard_error():
    # std 1 over 3 seeds each: 2 SE = 2 * sqrt(1/3 + 1/3) = 1.63
    spread = [-1., 0., 1.]

    def row(m):
        return {'lp': [[m + d] for d in spread], 'ft10': [[m + d] for d in spread]}
    rows = {'plmoco-dec': row(30.), 'plmoco': row(25.), 'mocodec-dec': row(24.), 'mocov2': row(20.),
            'plsiam-dec': row(29.), 'detcons-dec': row(28.), 'detconb-dec': row(27.5)}
    lines = claims.findings(seeded_results(rows))
    assert lines[0].startswith('- Pre-training with a decoder helps (LP-100%): holds (')
    assert 'PLMoCo w/dec 30.00 ± 1.00 vs PLMoCo w/o dec 25.00 ± 1.00 (+5.00, 2 SE 1.63)' in lines[0]
    # PLMoCo 30 vs PLSiam 29 and DetCon-S 28 vs DetCon-B 27.5: both within the spread
    assert lines[3].startswith('- Non-contrastive methods trail their contrastive counterparts in '
                               'linear probe: within the spread')
    rows['plsiam-dec'] = row(20.)
    lines = claims.findings(seeded_results(rows))
    assert lines[3].startswith('- Non-contrastive methods trail their contrastive counterparts in '
                               'linear probe: mixed (1 of 2 comparisons for it and 0 against it')
    rows.update({'plmoco-dec': row(20.), 'mocodec-dec': row(15.)})
    assert claims.findings(seeded_results(rows))[0].startswith(
        '- Pre-training with a decoder helps (LP-100%): does not hold (')
    # one seed per row: judged by the signs of the means, and it says so
    one = fake_results({'plmoco-dec': (30., 1.), 'plmoco': (20., 2.)})
    assert claims.findings(one)[0].startswith(
        '- Pre-training with a decoder helps (LP-100%): holds '
        'by the means (one seed: no spread to judge by)')


def test_linear_probe_findings_are_judged_again_on_the_converged_probe():
    """With LP-convex in the rows, the three linear-probe findings get a second line each, judged
    on LP-convex's values (here the opposite of LP-100%'s); without it, no such lines."""
    spread = [-1., 0., 1.]

    def row(lp, convex):
        return {'lp': [[lp + d] for d in spread], 'ft10': [[20. + d] for d in spread],
                'lp-convex': [[convex + d] for d in spread]}
    rows = {'plmoco-dec': row(30., 20.), 'plmoco': row(25., 26.), 'mocodec-dec': row(24., 34.),
            'mocov2': row(20., 31.), 'densecl': row(22., 32.)}
    lines = claims.findings(seeded_results(rows))
    assert len(lines) == 7
    assert lines[2].startswith('- Patch-level beats image-level in linear probe: mixed (3 of 4 '
                               'comparisons for it and 0 against it')
    assert lines[4].startswith('- Pre-training with a decoder helps (LP-convex, the converged '
                               'probe): mixed (1 of 2 comparisons for it and 1 against it')
    assert 'PLMoCo w/dec 20.00 ± 1.00 vs PLMoCo w/o dec 26.00 ± 1.00 (-6.00, 2 SE 1.63)' in lines[4]
    assert lines[5].startswith('- Patch-level beats image-level in linear probe (LP-convex, the '
                               'converged probe): mixed (0 of 4 comparisons for it and 2 against')
    assert lines[6].startswith('- Non-contrastive methods trail their contrastive counterparts in '
                               'linear probe (LP-convex, the converged probe): not measured')
    for r in rows.values():
        del r['lp-convex']
    assert len(claims.findings(seeded_results(rows))) == 4


def test_rank_agreement_over_the_rows():
    rows = {'random': {'lp': [[10.]], 'knn': [[30.]]},
            'plmoco': {'lp': [[20.]], 'knn': [[40.]]},
            'plmoco-dec': {'lp': [[30.]], 'knn': [[35.]]},
            'mocov2': {'lp': [[15.]]}}
    lines = claims.rank_agreement(seeded_results(rows))
    # kNN ranks random < PLMoCo w/dec < PLMoCo w/o dec; LP: random < w/o < w/dec -> rho 0.5
    assert '- kNN vs LP-100%: Spearman +0.50 over 3 rows' in lines
    assert '- FT-10% vs LP-100%: not measured (0 rows with both)' in lines


def test_rank_agreement_counts_the_pairs_each_protocol_separates():
    """A protocol's power: the pairs of rows whose difference is beyond twice the combined
    standard error (std 1 over 3 runs: 2 SE 1.63), counted by hand here."""
    spread = [-1., 0., 1.]

    def runs(m):
        return [[m + d] for d in spread]
    # LP: 10, 11, 20 -> (10, 11) within, (10, 20) and (11, 20) apart: 2 of 3
    # LP-convex: 10, 15, 20 -> all three apart; FT-10%: one value per row -> no pair has a spread
    rows = {'random': {'lp': runs(10.), 'lp-convex': runs(10.), 'ft10': [[1.]]},
            'plmoco': {'lp': runs(11.), 'lp-convex': runs(15.), 'ft10': [[2.]]},
            'plmoco-dec': {'lp': runs(20.), 'lp-convex': runs(20.), 'ft10': [[3.]]}}
    results = seeded_results(rows)
    assert claims.separated_pairs(results, 'lp') == (2, 3)
    assert claims.separated_pairs(results, 'lp-convex') == (3, 3)
    assert claims.separated_pairs(results, 'ft10') == (0, 0)
    lines = claims.rank_agreement(results)
    assert lines[0] == '- LP-100%: 2 of 3 pairs of rows apart beyond 2 SE'
    assert '- LP-convex vs LP-100%: Spearman +1.00 over 3 rows; 3 of 3 pairs of rows apart ' \
        'beyond 2 SE' in lines
    assert '- FT-10% vs LP-100%: Spearman +1.00 over 3 rows' in lines


def test_run_method_runs_every_pretraining_seed(monkeypatch, tmp_path):
    """Each pre-training seed gets its own run name, its own evaluations and frozen protocols;
    the row keeps all values and the per-seed ones; random init is evaluated once."""
    calls = []

    def pretrain(row, seed, args, env):
        name = row.name
        calls.append(('pretrain', name, seed))
        return dict(checkpoint=f'{name}-{seed}.pth', seconds=10. * (seed + 1), seed=seed,
                    final_loss=1. + seed, iters=2)

    def evaluate(row, run_id, checkpoint, protocol, seeds, args, env):
        calls.append((protocol, run_id, checkpoint, tuple(seeds)))
        base = int(run_id[-1]) if '_ps' in run_id else 0
        return [dict(mIoU=10. * base + s + (protocol == 'ft10')) for s in seeds]

    def evaluate_frozen(row, run_id, checkpoint, seed, args, env, options):
        calls.append(('frozen', run_id, checkpoint, seed))
        return {'knn': 50. + (int(run_id[-1]) if '_ps' in run_id else 0) + 0.5 * seed}

    monkeypatch.setattr(runner, 'pretrain', pretrain)
    monkeypatch.setattr(runner, 'evaluate', evaluate)
    monkeypatch.setattr(runner, 'evaluate_frozen', evaluate_frozen)

    class Args:
        seeds = [0, 1]
        pretrain_seeds = [0, 2]
        paired_seeds = False
        frozen = ['knn']
    row = runner.run_row(CAMVID, 'plmoco', Args, {})
    assert ('pretrain', 'plmoco', 2) in calls and \
        ('lp', 'plmoco_ps2', 'plmoco-2.pth', (0, 1)) in calls
    assert ('frozen', 'plmoco', 'plmoco-0.pth', 0) in calls
    assert row['lp'] == [0., 1., 20., 21.] and row['knn'] == [50., 52.]
    assert claims.units(row, 'lp') == [0.5, 20.5] and claims.units(row, 'knn') == [50., 52.]
    assert row['pretrain'] == dict(seconds=20., final_loss=2., seeds=[0, 2])
    calls.clear()
    random_row = runner.run_row(CAMVID, 'random', Args, {})
    assert [c for c in calls if c[0] == 'lp'] == [('lp', 'random', 'none', (0, 1))]
    assert 'pretrain' not in random_row and random_row['ft10'] == [1., 2.]
    table = render({'plmoco': row, 'random': random_row}, type(
        'A', (), dict(Args.__dict__, pretrain_iters=None, eval_iters=None)), 60.)
    assert '| PLMoCo w/o dec | no | patch | yes | 10.50 ± 14.14 | 11.50 ± 14.14 | 51.00 ± 1.41 | ' \
        '20.0 | 2.000 |' in table
    assert 'Cells: mean ± std over the pre-training seeds' in table


def test_paired_seeds_evaluate_each_checkpoint_with_its_own_seed(monkeypatch):
    """--paired-seeds: pre-training seed k is evaluated (and its frozen protocols run) with seed
    k only, --seeds ignored; random init gets one run per seed (its own initialisation), so both
    rows' cells are mean ± std over the same number of runs."""
    calls = []
    monkeypatch.setattr(runner, 'pretrain', lambda row, seed, args, env: dict(
        checkpoint=f'{row.name}-{seed}.pth', seconds=1., seed=seed, final_loss=1., iters=2))
    monkeypatch.setattr(runner, 'evaluate', lambda row, run_id, ckpt, protocol, seeds, args, env: (
        calls.append((protocol, run_id, ckpt, tuple(seeds)))
        or [dict(mIoU=10. + s + (protocol == 'ft10')) for s in seeds]))
    monkeypatch.setattr(runner, 'evaluate_frozen', lambda row, run_id, ckpt, seed, args, env, o: (
        calls.append(('frozen', run_id, ckpt, seed)) or {'knn': 30. + seed}))
    args = type('A', (), dict(seeds=[7, 8], pretrain_seeds=[0, 1, 2], paired_seeds=True,
                              frozen=['knn'], pretrain_iters=None, eval_iters=None))
    row = runner.run_row(CAMVID, 'plmoco-dec', args, {})
    assert [c for c in calls if c[0] == 'lp'] == [
        ('lp', 'plmoco-dec', 'plmoco-dec-0.pth', (0, )),
        ('lp', 'plmoco-dec_ps1', 'plmoco-dec-1.pth', (1, )),
        ('lp', 'plmoco-dec_ps2', 'plmoco-dec-2.pth', (2, ))]
    assert [c for c in calls if c[0] == 'frozen'] == [
        ('frozen', 'plmoco-dec', 'plmoco-dec-0.pth', 0),
        ('frozen', 'plmoco-dec_ps1', 'plmoco-dec-1.pth', 1),
        ('frozen', 'plmoco-dec_ps2', 'plmoco-dec-2.pth', 2)]
    assert claims.units(row, 'lp') == [10., 11., 12.]
    assert claims.units(row, 'knn') == [30., 31., 32.]
    calls.clear()
    random_row = runner.run_row(CAMVID, 'random', args, {})
    assert [c for c in calls if c[0] in ('ft10', 'frozen')] == [
        ('ft10', 'random', 'none', (0, )), ('frozen', 'random', 'none', 0),
        ('ft10', 'random_ps1', 'none', (1, )), ('frozen', 'random_ps1', 'none', 1),
        ('ft10', 'random_ps2', 'none', (2, )), ('frozen', 'random_ps2', 'none', 2)]
    assert claims.units(random_row, 'ft10') == [11., 12., 13.]
    assert claims.cell(claims.units(random_row, 'ft10')) == '12.00 ± 1.00'
    table = render({'random': random_row, 'plmoco-dec': row}, args, 60.)
    assert 'training seeds the pre-training seed (`--paired-seeds`)' in table
    assert 'each evaluated with its own seed (random init: one initialisation per seed)' in table
    assert '`tools/evaluate_frozen.py`, the pre-training seed, `' in table


def test_frozen_random_init_follows_the_seed(monkeypatch, tmp_path):
    """evaluate_frozen passes the seed to the protocols and, for random init, as --init-seed;
    it reads the record of that seed."""
    cmds = []

    def run(name, cmd, logfile, env=None, quiet=False):
        cmds.append(cmd)
        rec = tmp_path / 'eval_frozen' / 'random_ps2' / 'mocofcn_r18-d8_camvid' / 'knn-stage4' / \
            'seed2'
        rec.mkdir(parents=True)
        (rec / 'eval_result.json').write_text(json.dumps(dict(mIoU=12.5)))
        return 1.
    monkeypatch.setattr(runner, 'run_stage', run)
    args = type('A', (), dict(frozen=['knn'], work_dir=str(tmp_path), data_root='camvid',
                              frozen_max_images=None))
    assert runner.evaluate_frozen(ROWS['random'], 'random_ps2', 'none', 2, args, {}) == \
        {'knn': 12.5}
    cmd = cmds[0]
    assert cmd[cmd.index('--seeds') + 1] == '2' and cmd[cmd.index('--init-seed') + 1] == '2'
    # a checkpoint is not re-initialised: no --init-seed
    cmds.clear()
    rec = tmp_path / 'eval_frozen' / 'plmoco_ps2'
    monkeypatch.setattr(runner, 'run_stage', lambda name, cmd, logfile, **kw: cmds.append(cmd) or (
        (rec / 'x' / 'knn-stage4' / 'seed2').mkdir(parents=True),
        (rec / 'x' / 'knn-stage4' / 'seed2' / 'eval_result.json').write_text('{"mIoU": 3.0}')))
    assert runner.evaluate_frozen(ROWS['plmoco'], 'plmoco_ps2', 'p.pth', 2, args, {}) == \
        {'knn': 3.0}
    assert '--init-seed' not in cmds[0]


def test_decoder_findings_compare_gains_over_the_same_head():
    """FT-10%: each decoder's gain over random init fine-tuned with the same head, against
    MoCoFCN's over plain random init; LP-100%: the cells against MoCoFCN's (same baseline).
    Spread of a difference of gains: twice the combined standard error of the four rows."""

    def three(x):  # mean x, sample std 1
        return [x - 1., x, x + 1.]

    results = fake_results({'random': (0., 0.), 'plmoco-dec': (0., 0.),
                            'random-dlv3p': (0., 0.), 'plmoco-dec-dlv3p': (0., 0.)})
    results['random'].update(lp=three(10.), ft10=three(20.))
    results['plmoco-dec'].update(lp=three(20.), ft10=three(25.))
    results['random-dlv3p'].update(lp=[], ft10=three(22.))
    results['plmoco-dec-dlv3p'].update(lp=three(22.), ft10=three(23.))
    ft, lp = claims.decoder_findings(results)[:2]
    # gains 25 - 20 = 5 (MoCoFCN) and 23 - 22 = 1 (DeepLabv3+): +4.00; 2 SE = 2 sqrt(4 / 3)
    two_se = 2 * (4 / 3) ** 0.5
    assert ft.startswith('- Complex decoders gain less than MoCoFCN in FT-10%: holds')
    assert (f'PLMoCo w/dec +5.00 over random init vs PLMoCo w/dec (DeepLabv3+) +1.00 over random '
            f'init (DeepLabv3+ head) (+4.00, 2 SE {two_se:.2f})') in ft
    assert 'plmoco-dec vs random vs plmoco-dec-nl vs random-nl: not measured' in ft
    # LP: 22 vs 20, 2 SE = 2 sqrt(2 / 3) = 1.63 -> beyond
    assert lp.startswith('- Complex decoders gain more than MoCoFCN in LP-100%: holds')
    assert '(+2.00, 2 SE 1.63)' in lp
    # a gain difference inside the spread
    results['random-dlv3p'].update(ft10=three(19.))  # gain 4: +1.00 < 2.31
    assert claims.decoder_findings(results)[0].startswith(
        '- Complex decoders gain less than MoCoFCN in FT-10%: within the spread')
    # nothing measured, and the encoder-lr lines only with both rows
    lines = claims.decoder_findings({})
    assert len(lines) == 2 and all(': not measured (' in line for line in lines)
    results.update(fake_results({'mocodec-dec': (0., 0.), 'edmoco-dec': (0., 0.)}))
    results['mocodec-dec'].update(lp=three(20.), ft10=three(20.))
    results['edmoco-dec'].update(lp=three(15.), ft10=three(20.))
    lines = claims.decoder_findings(results)
    assert lines[2].startswith('- The encoder at 1/100 of the lr, against the full lr')
    assert lines[3].startswith('  - LP-100%: MoCo w/dec 20.00 ± 1.00 vs EDMoCo') and \
        '+5.00, larger than twice the combined standard error (1.63): a finding' in lines[3]
    assert 'within twice the combined standard error (1.63): not a finding' in lines[4]


def test_random_head_rows_fine_tune_with_their_head_only(monkeypatch):
    """random-<decoder>: FT-10% through that head's leaf, no LP-100% and no frozen protocols (the
    random row's map)."""
    calls = []
    monkeypatch.setattr(runner, 'evaluate', lambda row, run_id, ckpt, protocol, seeds, args, env: (
        calls.append((protocol, run_id, ckpt)) or [dict(mIoU=5.)]))
    monkeypatch.setattr(runner, 'evaluate_frozen', lambda *a: calls.append('frozen') or {})
    for decoder, (head, folder) in suite.DECODER_HEADS.items():
        name = f'random-{decoder}'
        assert leaves(name)[0] == head and f'{folder}_r18-d8_ft10' in leaves(name)[2]
        calls.clear()
        row = runner.run_row(CAMVID, name, type('A', (), dict(seeds=[0], pretrain_seeds=[0],
                                                              paired_seeds=False,
                                                              frozen=['knn'])), {})
        assert calls == [('ft10', name, 'none')]
        assert row['ft10'] == [5.] and 'lp' not in row and 'pretrain' not in row
    assert suite.PRIORITY[-3:] == ('random-dlv3p', 'random-nl', 'random-psp256')


def test_title_names_the_other_heads():
    args = type('A', (), dict(seeds=[0], pretrain_seeds=[0], paired_seeds=False,
                              pretrain_iters=None, eval_iters=None))
    table = render(fake_results({'random': (1., 2.)}), args, 1.)
    assert table.startswith('# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head, val mIoU')
    table = render(fake_results({'random-nl': (1., 2.)}), args, 1.)
    assert table.startswith('# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head (rows of '
                            'another decoder: its own head)')
    assert '- Complex decoders gain less than MoCoFCN in FT-10%: not measured' in table


def test_verdict_counts_only_comparisons_with_a_spread():
    """A comparison with one value on a side (one seed, a level mean over one method) is not
    counted when others have a spread; its sign is told beside the verdict."""
    assert claims.verdict([(True, None, 'a'), (False, None, 'b')]) == \
        'mixed by the means (one seed: no spread to judge by)'
    assert claims.verdict([(True, False, 'a'), (True, None, 'b')]) == (
        'within the spread (no difference beyond twice the combined standard error; '
        'by the means for the 1 without a spread: holds)')
    assert claims.verdict([(True, True, 'a'), (False, None, 'b')]) == \
        'holds (by the means for the 1 without a spread: does not hold)'
    assert claims.verdict([(False, True, 'a'), (True, True, 'b'), (True, None, 'c'),
                          (False, None, 'd')]) == (
        'mixed (1 of 2 comparisons for it and 1 against it beyond the spread; by the means for '
        'the 2 without a spread: mixed)')
    assert claims.verdict([(None, None, 'x')]) == 'not measured'


def test_union_seconds_counts_overlaps_once():
    intervals = [(10.0, 20.0), (0.0, 5.0), (15.0, 30.0), (40.0, 41.0), (18.0, 19.0)]
    # independent: mark each tenth of a second that some interval covers
    covered = {t for a, b in intervals for t in range(int(a * 10), int(b * 10))}
    assert runner.union_seconds(intervals) == pytest.approx(len(covered) / 10)
    assert runner.union_seconds([]) == 0


def test_wall_ledger_sums_killed_side_by_side_and_earlier_runs(tmp_path):
    work_dir = str(tmp_path)
    # an earlier version's total, a run killed after 100 s and a run beside it from 50 s to 300 s
    (tmp_path / 'wall_seconds.json').write_text(json.dumps(dict(wall_s=1000.0)))
    (tmp_path / 'wall').mkdir()
    (tmp_path / 'wall' / '1-1.json').write_text(json.dumps(dict(start=0.0, end=100.0, pid=1)))
    (tmp_path / 'wall' / '50-2.json').write_text(json.dumps(dict(start=50.0, end=300.0, pid=2)))
    with runner.WallLedger(work_dir, period=0.05) as ledger:
        first = json.loads(open(ledger.path).read())
        time.sleep(0.3)
        renewed = json.loads(open(ledger.path).read())
        assert renewed['end'] > first['end']        # renewed while the run goes on
    own = json.loads(open(ledger.path).read())
    assert own['start'] == pytest.approx(ledger.start)
    assert ledger.total() == pytest.approx(1000.0 + 300.0 + own['end'] - own['start'])
    assert not list((tmp_path / 'wall').glob('*.tmp'))


def test_protocols_option_adds_ft100_to_the_mocofcn_rows():
    from ssl4dp_mm.benchmarking.camvid_suite import CAMVID, FT10, FT100, with_protocols
    same = with_protocols(CAMVID, ['lp', 'ft10'])
    assert dict(same.rows) == dict(CAMVID.rows) and same.columns == CAMVID.columns
    only = with_protocols(CAMVID, ['ft100'])
    assert only.columns[0] == 'ft100' and 'lp' not in only.columns
    for name, row in only.rows.items():
        if CAMVID[name].leaves.get('ft10') == FT10:
            assert row.protocols == ('ft100', ) and row.leaves['ft100'] == FT100, name
        else:  # another head: no FT-100% leaf at this scale
            assert row.protocols == () and 'ft100' not in row.leaves, name
    both = with_protocols(CAMVID, ['lp', 'ft10', 'ft100'])
    assert both['plmoco-dec'].protocols == ('lp', 'ft10', 'ft100')
    # a row that runs FT-10% only keeps to it
    assert both['random-dlv3p'].protocols == CAMVID['random-dlv3p'].protocols
    with pytest.raises(KeyError, match='unknown protocols'):
        with_protocols(CAMVID, ['ft50'])


def test_table_shows_ft100_where_rows_have_it():
    from ssl4dp_mm.benchmarking.camvid_report import table
    rows = {'plmoco-dec': dict(label='PLMoCo w/dec', decoder=True, level='patch',
                               contrastive=True, lp=[20.0], ft10=[19.0], ft100=[30.0, 31.0])}
    lines = table(rows, [])
    assert lines[0].startswith('| pre-training | decoder | level | contrastive | LP-100% | '
                               'FT-10% | FT-100% |')
    assert '| 30.50 ± 0.71 |' in lines[2]
    del rows['plmoco-dec']['ft100']
    assert 'FT-100%' not in table(rows, [])[0]
