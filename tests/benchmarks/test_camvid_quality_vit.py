"""benchmarks/camvid_quality.py, ViT rows: every row resolves to its ViT pre-training
config and ViT segmentation leaves, the ViT findings follow the numbers (and say "not measured"),
and two rows (w/o dec: MoCo; w/dec: DetCon-S) run the whole chain on a CamVid-layout subset."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from ssl4dp_mm.benchmarking import camvid_suite as suite
from ssl4dp_mm.benchmarking import claims
from ssl4dp_mm.benchmarking.camvid_suite import CAMVID, ROWS
from ssl4dp_mm.manifest import METHODS
from tests.benchmarks.test_camvid_quality import fake_results, leaves, render
from tests.conftest import ROOT

WIDTHS = {'t': 192, 's': 384}


def test_vit_rows_resolve_to_existing_configs_and_leaves():
    from mmengine.config import Config
    assert set(suite.GROUPS['vit-all']) == set(suite.VIT)
    assert not set(suite.PRIORITY) & set(suite.VIT)  # opt-in: not in the default run
    for group in ('vit-t', 'vit-s'):
        size = group[-1]
        assert suite.GROUPS[group] == tuple(f'{m}-vit-{size}' for m in (
            'random', 'plmoco', 'mocov2', 'detcons', 'plmoco-dec', 'detcons-dec'))
    assert suite.GROUPS['vit'] == suite.GROUPS['vit-t'] + suite.GROUPS['vit-s']
    assert CAMVID.expand(['plmoco-vit-t', 'vit-t', 'plmoco']) == \
        ['plmoco-vit-t', 'random-vit-t', 'mocov2-vit-t', 'detcons-vit-t', 'plmoco-dec-vit-t',
         'detcons-dec-vit-t', 'plmoco']
    for name, (method, size, dec) in suite.VIT.items():
        config, decoder = ROWS[name].pretrain_config, ROWS[name].has_decoder
        assert decoder == dec and name == f'{method}{"-dec" if dec else ""}-vit-{size}'
        head, lp, ft10 = leaves(name)
        tag = {'t': 't16', 's': 's16'}[size]
        assert head == 'mocofcn' and osp.dirname(lp) == osp.dirname(ft10) == suite.SEG_VIT
        assert osp.basename(lp) == (f'fcn_vit-{tag}_lp-100i_camvid-half.py' if dec else
                                    f'linear_vit-{tag}_lp-100i_camvid-half.py'), name
        assert osp.basename(ft10) == f'fcn_vit-{tag}_ft10-100i_camvid-half.py'
        for leaf in (lp, ft10):
            cfg = Config.fromfile(leaf)
            assert cfg.model.backbone.embed_dims == WIDTHS[size], leaf
        assert Config.fromfile(lp).model.decode_head.num_convs == (2 if dec else 0)
        assert ROWS[name].frozen_layer == ('decoder' if dec else 'backbone.layers.11')
        assert ROWS[name].backbone == f'vit-{tag}'
        if method == 'random':
            assert config is None
            continue
        path = config
        assert osp.isfile(path) and osp.dirname(path) == osp.join(
            ROOT, 'configs', 'selfsup', METHODS[osp.basename(path).split('_')[0]].folder), name
        assert '_vit-' in osp.basename(path), name
        cfg = Config.fromfile(path)
        assert cfg.model.backbone.type == 'mmseg.VisionTransformer'
        assert cfg.model.backbone.embed_dims == WIDTHS[size]
        assert (cfg.model.get('decoder') is not None) == dec, name
        # the pre-training length override of pretrain() reaches the one cosine scheduler
        assert [s.type for s in cfg.param_scheduler] == ['CosineAnnealingLR']
        assert cfg.train_cfg.max_iters == 120
        if method == 'mocov2':
            assert osp.basename(path).startswith('mocodec_vit-') and not dec
    # the frozen records of a ViT without decoder are named after its last block
    from ssl4dp_mm.evaluation import resolve_layer
    assert resolve_layer(suite.VIT_TOKEN_LAYER) == 'stage12'
    assert resolve_layer('backbone.layer4') == 'stage4'  # the ResNet rows' name is unchanged


def test_vit_findings_follow_the_numbers_and_say_not_measured():
    results = fake_results({'mocov2-vit-t': (10., 20.), 'plmoco-vit-t': (12., 19.),
                            'plmoco-dec-vit-t': (15., 25.), 'detcons-vit-t': (9., 21.),
                            'plmoco': (30., 40.), 'mocov2': (20., 30.)})
    lines = claims.vit_findings(results)
    assert len(lines) == 13
    assert lines[0] == ('- PLMoCo > MoCo on ViT-T/16 (LP-100%): holds by the means (one seed: no '
                        'spread to judge by) (PLMoCo w/o dec, ViT-T/16 12.00 vs MoCo w/o dec (mean '
                        'patch token), ViT-T/16 10.00; PLMoCo w/dec (FCN), ViT-T/16 15.00 vs MoCo '
                        'w/o dec (mean patch token), ViT-T/16 10.00).')
    assert lines[1].startswith('- DetCon-S > MoCo on ViT-T/16 (LP-100%): does not hold by the '
                               'means')
    assert 'detcons-dec-vit-t vs mocov2-vit-t: not measured' in lines[1]
    assert lines[2].startswith('- PLMoCo > MoCo on ViT-T/16 (FT-10%): mixed by the means')
    assert lines[4].startswith('- Pre-training with a decoder helps on ViT-T/16 (LP-100%): holds')
    assert all(' not measured (' in line for line in lines[6:])  # no ViT-S row was run
    # the ResNet findings keep to the ResNet rows: the ViT rows are not in their level means
    assert 'mean of 1 contrastive patch-level methods 30.00 vs 1 image-level 20.00' in \
        claims.findings(results)[2]


def test_vit_findings_judged_on_lp_convex_where_rows_have_it():
    """Three pre-training seeds per row: the LP-convex lines judge by twice the combined standard
    error (computed here by hand), after the LP-100% / FT-10% lines of each kind."""
    results = fake_results({'mocov2-vit-s': (10., 20.), 'plmoco-vit-s': (12., 19.),
                            'plmoco-dec-vit-s': (15., 25.)})
    convex = {'mocov2-vit-s': [20., 21., 22.], 'plmoco-vit-s': [24., 25., 26.],
              'plmoco-dec-vit-s': [20., 23., 26.]}
    for name, values in convex.items():
        results[name]['runs'] = {str(k): {'lp-convex': [v]} for k, v in enumerate(values)}
    lines = claims.vit_findings(results)
    # per size: 3 protocols x 2 methods > MoCo, 3 decoder lines; then the non-contrastive line
    assert len(lines) == 2 * 9 + 1
    s_lines = lines[9:18]
    # PLMoCo w/o dec 25 vs MoCo 21 (stds 1 and 1): 2 SE = 2 sqrt(1/3 + 1/3) = 1.63, beyond;
    # w/dec 23 (std 3) vs 21: 2 SE = 2 sqrt(9/3 + 1/3) = 3.65, within -> mixed
    line = next(x for x in s_lines if x.startswith('- PLMoCo > MoCo on ViT-S/16 (LP-convex'))
    assert line.startswith('- PLMoCo > MoCo on ViT-S/16 (LP-convex, the converged probe): mixed')
    assert '(+4.00, 2 SE 1.63)' in line and '(+2.00, 2 SE 3.65)' in line
    line = next(x for x in s_lines if x.startswith('- Pre-training with a decoder helps on '
                                                   'ViT-S/16 (LP-convex'))
    # w/dec 23 vs w/o 25: 2 SE = 2 sqrt(9/3 + 1/3) = 3.65 -> within the spread
    assert '(-2.00, 2 SE 3.65)' in line and ': within the spread' in line
    # ViT-T has no LP-convex rows: its lines say not measured
    assert all('not measured' in x for x in lines[:9] if 'LP-convex' in x)
    # no ViT row with LP-convex (only a ResNet one): the ViT lines keep LP-100% / FT-10% only
    results = fake_results({'mocov2-vit-s': (10., 20.), 'plmoco': (30., 40.)})
    results['plmoco']['lp-convex'] = [30.]
    assert not any('LP-convex' in x for x in claims.vit_findings(results))


def test_vit_findings_in_the_table_only_with_vit_rows():
    class Args:
        seeds = pretrain_seeds = [0]
        pretrain_iters = eval_iters = None
        paired_seeds = False
    resnet = render(fake_results({'plmoco': (30., 40.)}), Args, 60.)
    assert resnet.startswith('# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head, val mIoU')
    assert 'ViT rows: not measured (`--methods vit`).' in resnet
    assert 'On the ViT rows' not in resnet
    vit = render(fake_results({'mocov2-vit-s': (10., 20.),
                               'detcons-dec-vit-s': (12., 22.)}), Args, 60.)
    assert '| DetCon-S w/dec (FCN), ViT-S/16 | yes | region | yes | 12.00 | 22.00 |' in vit
    assert '- DetCon-S > MoCo on ViT-S/16 (LP-100%): holds by the means' in vit
    # a table of ViT rows only leaves out the ResNet findings (they would all read "not measured")
    assert 'ResNet rows: none in this table' in vit
    assert vit.startswith('# CamVid quality benchmark: ViT-S/16, FCN decoder or linear head, val')
    assert 'Pre-training with a decoder helps (LP-100%)' not in vit
    assert 'The decoders beside MoCoFCN' not in vit
    both = render(fake_results({'plmoco': (30., 40.), 'mocov2-vit-s': (10., 20.)}),
                  Args, 60.)
    assert 'ResNet rows: none' not in both and 'The decoders beside MoCoFCN' in both
    assert both.startswith('# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head; ViT rows '
                           'ViT-S/16, FCN decoder or linear head')
    assert '- Pre-training with a decoder helps (LP-100%)' in both


@pytest.fixture(scope='module')
def camvid_subset(camvid_root, tmp_path_factory):
    """The first 24 train and 8 val images of CamVid (and their labels) as symlinks in the same
    layout: the benchmark's whole chain at a fraction of the test time."""
    root = str(tmp_path_factory.mktemp('camvid_subset'))
    for split, count in (('train', 24), ('val', 8)):
        names = sorted(os.listdir(osp.join(camvid_root, 'img_dir', split)))[:count]
        for folder, suffix in (('img_dir', '.jpg'), ('ann_dir', '.png')):
            os.makedirs(osp.join(root, folder, split))
            for name in names:
                stem = osp.splitext(name)[0]
                os.symlink(osp.join(camvid_root, folder, split, stem + suffix),
                           osp.join(root, folder, split, stem + suffix))
    return root


def test_benchmark_vit_rows_run_on_camvid(camvid_subset, tmp_path):
    """Two iterations each: MoCo w/o dec and DetCon-S w/dec on ViT-Tiny/16 pre-train on CamVid
    images, convert, LP-100% (linear head on the tokens / frozen FCN decoder), FT-10%, kNN on the
    token map / the decoder; the ViT findings compare them."""
    out = tmp_path / 'table.md'
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'benchmarks', 'camvid_quality.py'), '--data-root',
         camvid_subset, '--methods', 'mocov2-vit-t', 'detcons-dec-vit-t', '--pretrain-iters', '2',
         '--eval-iters', '2', '--frozen', 'knn', '--frozen-max-images', '4', '--workers', '0',
         '--work-dir', str(tmp_path / 'work'), '--out', str(out)],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((tmp_path / 'table.json').read_text())
    work = tmp_path / 'work'
    for name, dec in (('mocov2-vit-t', False), ('detcons-dec-vit-t', True)):
        record = results[name]
        assert 'error' not in record, record
        pre = record['runs']['0']['pretrain']
        assert pre['iters'] == 2 and f'/pretrain/{name}/' in pre['checkpoint']
        ran = next((work / 'pretrain' / name).glob('*/vis_data/config.py')).read_text()
        assert "type='mmseg.VisionTransformer'" in ran and 'embed_dims=192' in ran
        assert 0 <= record['lp'][0] <= 100 and 0 <= record['ft10'][0] <= 100
        lp = next((work / 'eval' / name).glob('*/lp/seed0/config.py')).read_text().replace(' ', '')
        assert 'VisionTransformer' in lp and f'num_convs={2 if dec else 0}' in lp
        lp_record = json.loads(next((work / 'eval' / name).glob(
            '*/lp/seed0/eval_result.json')).read_text())
        assert lp_record['leaf_config'].endswith(
            f'{"fcn" if dec else "linear"}_vit-t16_lp-100i_camvid-half.py')
        # only conv_seg is new: the tokens (and the FCN decoder) came from the checkpoint
        assert all(k.startswith('decode_head.conv_seg') for k in lp_record['missing_keys'])
        ft10 = json.loads(next((work / 'eval' / name).glob(
            '*/ft10/seed0/eval_result.json')).read_text())
        assert ft10['leaf_config'].endswith('fcn_vit-t16_ft10-100i_camvid-half.py')
        assert ft10['mIoU'] == record['ft10'][0]
        # the frozen kNN on the map LP-100% reads: the last block's tokens, or the decoder
        layer = 'decoder' if dec else 'stage12'
        knn = work / 'eval_frozen' / name / 'mocofcn_vit-t16_camvid' / f'knn-{layer}' / 'seed0'
        assert json.loads((knn / 'eval_result.json').read_text())['mIoU'] == record['knn'][0]
    table = out.read_text()
    assert '| MoCo w/o dec (mean patch token), ViT-T/16 | no | image | yes |' in table
    assert '| DetCon-S w/dec (FCN), ViT-T/16 | yes | region | yes |' in table
    line = next(x for x in table.splitlines()
                if x.startswith('- DetCon-S > MoCo on ViT-T/16 (LP-100%)'))
    assert 'DetCon-S w/dec (FCN), ViT-T/16' in line and 'not measured (' not in line
    assert '- PLMoCo > MoCo on ViT-T/16 (LP-100%): not measured' in table
