"""ssl4dp_mm.benchmarking.suite and runner: a row written as data reaches the commands the runner
runs (extra pre-training options, an upstream checkpoint, another protocol), with no change to the
runner; a row without a leaf for one of its protocols is refused."""
import os.path as osp

import pytest

from ssl4dp_mm.benchmarking import runner
from ssl4dp_mm.benchmarking.camvid_suite import CAMVID, FT10, LP_DEC, ROWS
from ssl4dp_mm.benchmarking.suite import Row, Suite
from ssl4dp_mm.manifest import HEADS


def continued(name='plmoco-dec-cont'):
    """A continued pre-training row: PLMoCo w/dec from an upstream checkpoint, another schedule,
    and FT-100% beside LP-100% and FT-10%."""
    base = ROWS['plmoco-dec']
    return Row(name, base.pretrain_config, True, 'patch', True, 'PLMoCo w/dec, continued',
               protocols=('lp', 'ft10', 'ft100'),
               leaves=dict(lp=LP_DEC, ft10=FT10, ft100='ft100_leaf.py'), frozen_layer='decoder',
               pretrain_options={'train_cfg.max_iters': '200'}, init_checkpoint='up.pth')


class Args:
    data_root, work_dir, workers = '/data', '/work', 0
    pretrain_iters = eval_iters = frozen_max_images = None
    seeds, pretrain_seeds, paired_seeds, frozen = [0], [0], False, []


def test_a_continued_pretraining_suite_runs_through_the_same_runner(monkeypatch, tmp_path):
    cmds = []

    def run_stage(name, cmd, logfile, env=None, quiet=False):
        cmds.append(cmd)
        if cmd[1] == 'tools/train.py':
            work = cmd[cmd.index('--work-dir') + 1]
            (tmp_path / 'w').mkdir(exist_ok=True)
            with open(osp.join(work, 'last_checkpoint'), 'w') as f:
                f.write(osp.join(work, 'iter_200.pth'))
        else:
            protocol = cmd[cmd.index('--protocol') + 1]
            rec = tmp_path / 'work' / 'eval' / 'plmoco-dec-cont' / 'x' / protocol / 'seed0'
            rec.mkdir(parents=True)
            (rec / 'eval_result.json').write_text('{"mIoU": 10.0}')
        return 1.

    monkeypatch.setattr(runner, 'run_stage', run_stage)
    (tmp_path / 'work' / 'pretrain' / 'plmoco-dec-cont').mkdir(parents=True)
    suite = Suite({'plmoco-dec-cont': continued()}, default=('plmoco-dec-cont', ),
                  columns=('lp', 'ft10', 'ft100'))
    args = type('A', (Args, ), dict(work_dir=str(tmp_path / 'work')))
    row = runner.run_row(suite, 'plmoco-dec-cont', args, {})
    train = cmds[0]
    assert train[-2:] == ['train_cfg.max_iters=200', 'load_from=up.pth']
    assert [c[c.index('--protocol') + 1] for c in cmds[1:]] == ['lp', 'ft10', 'ft100']
    assert cmds[3][cmds[3].index('--config') + 1] == 'ft100_leaf.py'
    assert row['ft100'] == [10.0] and row['runs']['0']['pretrain']['iters'] == 200
    assert list(row)[-4:] == ['lp', 'ft10', 'ft100', 'pretrain']


def test_rows_are_checked():
    with pytest.raises(ValueError, match="row 'x': no leaf config for protocol 'ft100'"):
        Row('x', None, False, 'none', None, 'x', protocols=('ft100', ))
    with pytest.raises(KeyError, match='nope'):
        Suite(ROWS, default=('nope', ))
    with pytest.raises(KeyError, match="unknown row 'nope'"):
        CAMVID['nope']
    # today's rows add no pre-training options but the variants'
    assert [n for n, r in ROWS.items() if r.cfg_options()] == [
        n for n, r in ROWS.items() if r.variant_of]
    assert ROWS['plmoco-dec-nearneg'].cfg_options() == ['model.near_positives=negative']


def test_decoder_heads_come_from_the_manifest():
    for name in ('plmoco-dec-dlv3p', 'mocodec-dec-nl', 'random-psp256'):
        row = ROWS[name]
        head = HEADS[name.rsplit('-', 1)[-1]]
        assert row.head == head.name and f'/{head.folder}/' in row.leaf('ft10')
        assert head.title in row.label
