"""The commands of every reference row name files that exist and are accepted by the tools they
call; one row's commands written out in full."""
import os.path as osp
import re
import shlex

import pytest

from ssl4dp_mm.manifest import by_hand_commands, reference_row, reference_rows, row_commands
from tests.conftest import ROOT, load_tool

PLMOCO = 'work_dirs/reference/voc12aug/plmoco_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2'


def test_one_row_in_full():
    assert row_commands(reference_row('voc/plmoco-mocofcn')) == [
        'python tools/train.py configs/selfsup/plmoco/'
        'plmoco_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py \\\n'
        f'    --work-dir {PLMOCO}',
        f'python tools/evaluate.py {PLMOCO}/iter_13220.pth --name "PLMoCo w/dec (MoCoFCN)" \\\n'
        '    --head mocofcn --backbone r50b-d8 --dataset voc --protocol ft10 lp ft100 '
        '--seeds 0 1 2 \\\n'
        '    --data-root data/VOCdevkit/VOC2012 --work-dir work_dirs/reference/eval',
        'python tools/analysis/results_table.py work_dirs/reference/eval',
    ]


def test_by_hand_commands():
    leaf = 'work_dirs/lp/mocofcn_r50b-d8_lp-3k_voc12aug.py'
    assert by_hand_commands(reference_row('voc/plmoco-mocofcn'), 'lp') == [
        'python tools/reproduce.py --seg mocofcn lp voc --backbone r50b-d8 \\\n'
        f'    --write-config {leaf}',
        f'python tools/convert_checkpoint.py {PLMOCO}/iter_13220.pth mmseg.pth \\\n'
        f'    --seg-config {leaf}',
        f'python tools/train.py {leaf} --work-dir work_dirs/lp \\\n'
        '    --cfg-options load_from=mmseg.pth',
        f'python tools/test.py {leaf} work_dirs/lp/iter_3000.pth',
    ]


def _argv(command: str) -> list:
    return shlex.split(command.replace('\\\n', ' '))


@pytest.fixture(scope='module')
def evaluate():
    return load_tool('evaluate')


def test_every_command_names_existing_files_and_parses(evaluate):
    table = load_tool('analysis/results_table')
    rows = reference_rows()
    assert rows
    evaluated = 0
    for row in rows:
        train, *evals, gather = row_commands(row)
        argv = _argv(train)
        assert argv[:2] == ['python', 'tools/train.py'] and argv[3:] == ['--work-dir',
                                                                         row.work_dir]
        assert osp.isfile(osp.join(ROOT, argv[2])), argv[2]
        assert len(evals) == len(row.eval_heads)
        for command, head in zip(evals, row.eval_heads):
            argv = _argv(command)
            assert argv[:2] == ['python', 'tools/evaluate.py']
            assert argv[2] == f'{row.work_dir}/iter_{row.iters}.pth'  # what training writes last
            args = evaluate.parse_args(['none'] + argv[3:])  # 'none': no checkpoint to check
            assert (args.head, args.backbone, args.dataset, args.name) == (
                head, 'r50b-d8', row.dataset, row.label)
            assert tuple(args.protocol) == row.eval_protocols and args.seeds == [0, 1, 2]
            evaluated += 1
        argv = _argv(gather)
        assert argv[:2] == ['python', 'tools/analysis/results_table.py']
        assert table.parse_args(argv[2:]).roots == ['work_dirs/reference/eval']
    assert evaluated == sum(len(r.eval_heads) for r in rows)
    for tool in ('train', 'evaluate', 'analysis/results_table', 'convert_checkpoint', 'test'):
        assert osp.isfile(osp.join(ROOT, 'tools', f'{tool}.py'))


def test_by_hand_commands_name_existing_files():
    for row in reference_rows():
        for protocol in row.eval_protocols:
            write, *commands = by_hand_commands(row, protocol)
            argv = _argv(write)
            assert argv[:3] == ['python', 'tools/reproduce.py', '--seg']
            leaf = argv[argv.index('--write-config') + 1]
            for command in commands:
                for path in re.findall(r'(?:tools|configs)/\S+\.py', command):
                    assert osp.isfile(osp.join(ROOT, path)), path
                assert leaf in command
