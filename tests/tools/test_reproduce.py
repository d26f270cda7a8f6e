"""tools/reproduce.py: row ids, a row's commands, its resolved config, the generated page."""
import os.path as osp

import pytest
from mmengine.config import Config

from ssl4dp_mm.manifest import DRAFT_ROWS, reference_row, reference_rows, row_commands
from ssl4dp_mm.manifest.reproduce_doc import render_reproduce
from tests.conftest import ROOT, load_tool

REPRODUCE = load_tool('reproduce')


def test_list_prints_every_row_id(capsys):
    REPRODUCE.main(['--list'])
    ids = capsys.readouterr().out.split()
    assert ids == [r.id for r in reference_rows()] + [r.id for r in DRAFT_ROWS]
    assert 'voc/plmoco-mocofcn' in ids and 'cityscapes/plr-psp256' in ids
    assert 'draft/plmoco-mocofcn-200e' in ids


def test_row_prints_its_config_and_commands(capsys, tmp_path):
    out = str(tmp_path / 'row_config.py')
    REPRODUCE.main(['cityscapes/plr-aspp', '--write-config', out])
    row = reference_row('cityscapes/plr-aspp')
    printed = capsys.readouterr().out
    assert printed == (f'# cityscapes/plr-aspp: Patch rotation w/dec (DeepLabv3), Cityscapes\n'
                       f'# pre-training config: {row.config}\n'
                       + '\n'.join(row_commands(row)) + '\n')
    written, source = Config.fromfile(out), Config.fromfile(osp.join(ROOT, row.config))
    assert written.model.to_dict() == source.model.to_dict()
    assert written.train_dataloader.to_dict() == source.train_dataloader.to_dict()


def test_unknown_row_is_refused_by_name(capsys):
    with pytest.raises(SystemExit) as err:
        REPRODUCE.main(['voc/plmoco-unet'])
    assert err.value.code == 2
    message = capsys.readouterr().err
    assert "'voc/plmoco-unet'" in message and '--list' in message


def test_write_docs(tmp_path):
    out = str(tmp_path / 'reproduce.md')
    REPRODUCE.main(['--write-docs', out])
    with open(out) as f:
        assert f.read() == render_reproduce(ROOT)
