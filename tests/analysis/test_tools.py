"""The analysis command-line tools on real checkpoints made on the toy scenes."""
import glob
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from ssl4dp_mm.analysis.features import load_features
from ssl4dp_mm.analysis.separability import read_csv
from ssl4dp_mm.features.feature_model import describe_source
from tests.analysis.conftest import PRETRAIN_NODEC_CFG
from tests.conftest import config_path, load_tool

SMALL = ['--max-images', '4', '--num-per-class', '12']


def _check_png(path, min_size):
    """The PNG exists, has at least the expected size and is not blank."""
    img = Image.open(path).convert('RGB')
    assert img.width >= min_size[0] and img.height >= min_size[1]
    px = np.asarray(img).reshape(-1, 3)
    non_white = (px < 240).any(1).mean()
    assert 0.01 < non_white < 0.9  # ink on a mostly white canvas
    assert len(np.unique(px, axis=0)) > 20  # coloured points, not a single flat colour
    return img


def test_extract_then_tsne_from_files(pretrain_run, toy_root, tmp_path):
    written = load_tool('analysis/extract_features').main([
        pretrain_run['config'], pretrain_run['checkpoint'], '--layers', 'stage2', 'decoder',
        '--data-root', toy_root, '--split', 'val', '--out-dir', str(tmp_path), *SMALL])
    assert [osp.basename(p) for p in written] == ['iter_2_stage2.npz', 'iter_2_decoder.npz']
    data = load_features(written[1])
    assert data['features'].shape[1] == 256 and data['layer'] == 'decoder'
    assert np.bincount(data['labels']).max() <= 12 and 255 not in data['labels']
    out = load_tool('analysis/tsne').main(
        ['--features', *written, '--out', str(tmp_path / 'tsne.png'), '--max-iter', '250'])
    _check_png(out, (2 * 3.2 * 90, 3.2 * 90))


def test_tsne_from_models(pretrain_run, seg_checkpoint, toy_root, tmp_path):
    out = load_tool('analysis/tsne').main([
        '--model', 'random init', pretrain_run['config'], 'none',
        '--model', 'PLMoCo w/dec', pretrain_run['config'], pretrain_run['checkpoint'],
        '--model', 'MMSeg', seg_checkpoint['config'], seg_checkpoint['checkpoint'],
        '--model', 'w/o dec', config_path(PRETRAIN_NODEC_CFG), 'none',
        '--layers', 'stage4', 'decoder', '--data-root', toy_root, '--out',
        str(tmp_path / 'grid.png'), '--max-iter', '250', *SMALL])
    img = _check_png(out, (4 * 3.2 * 90, 2 * 3.2 * 90))
    assert img.size == (int(4 * 3.2 * 90), int((2 * 3.2 + 0.45) * 90))


def test_svm_table(pretrain_run, seg_checkpoint, toy_root, tmp_path):
    table = load_tool('analysis/svm_separability').main([
        '--model', 'random init', pretrain_run['config'], 'none',
        '--model', 'PLMoCo w/dec', pretrain_run['config'], pretrain_run['checkpoint'],
        '--model', 'w/o dec', config_path(PRETRAIN_NODEC_CFG), 'none',
        '--layers', 'stage1', 'stage4', 'decoder', '--data-root', toy_root,
        '--out-dir', str(tmp_path), *SMALL])
    source = describe_source(pretrain_run['checkpoint'])  # 'plmoco_dec0/iter_2.pth'
    assert list(table) == ['random init', f'PLMoCo w/dec ({source})', 'w/o dec']
    assert table['w/o dec']['decoder'] is None
    for row in table.values():
        for acc in row.values():
            assert acc is None or 0.0 <= acc <= 1.0
    assert read_csv(str(tmp_path / 'separability.csv')) == {
        k: {layer: (None if v is None else round(v, 6)) for layer, v in row.items()}
        for k, row in table.items()}
    md = open(tmp_path / 'separability.md').read()
    assert '| checkpoint | stage1 | stage4 | decoder |' in md
    assert f'| {100 * table["random init"]["stage1"]:.1f} |' in md.replace('| random init ', '')


def test_plot_curves_of_real_runs(pretrain_run, tmp_path):
    out = load_tool('analysis/plot_curves').main([
        '--group', 'pre-training', '--run', 'PLMoCo w/dec', pretrain_run['work_dir'],
        '--run', 'same, as a file', glob.glob(osp.join(pretrain_run['work_dir'], '*', 'vis_data',
                                                       'scalars.json'))[0],
        '--keys', 'loss', 'mIoU', '--out', str(tmp_path / 'curves.png')])
    _check_png(out, (4.2 * 90, 3.0 * 90))


def test_missing_files_are_named_before_any_work(pretrain_run, toy_root, tmp_path):
    with pytest.raises(FileNotFoundError, match="checkpoint 'nope.pth' does not exist"):
        load_tool('analysis/extract_features').main(
            [pretrain_run['config'], 'nope.pth', '--data-root', toy_root,
             '--out-dir', str(tmp_path)])
    with pytest.raises(FileNotFoundError, match="'w/dec': config 'no_config.py'"):
        load_tool('analysis/svm_separability').main(
            ['--model', 'w/dec', 'no_config.py', 'none', '--data-root', toy_root,
             '--out-dir', str(tmp_path)])
