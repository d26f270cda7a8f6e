"""benchmarks/loader_throughput.py at a tiny size: every CamVid benchmark method has its reference
pipeline, methods with one pipeline share a row, masks are measured computed and cached (the cache
written at first use), and the table's figures follow from the measured rates."""
import json
import math
import os.path as osp

from ssl4dp_mm.benchmarking.camvid_suite import DECODER_HEADS, ROWS, VIT
from tests.conftest import ROOT, load_tool


def test_methods_are_the_camvid_benchmarks():
    bench = load_tool('loader_throughput', folder='benchmarks')
    heads = tuple(f'-{d}' for d in DECODER_HEADS)
    methods = {n for n, row in ROWS.items()
               if row.pretrain_config is not None and row.variant_of is None and n not in VIT
               and not n.endswith(heads)}
    assert set(bench.METHODS) == methods
    for config, _ in bench.METHODS.values():
        path = config if isinstance(config, str) else config[0]
        assert osp.isfile(osp.join(ROOT, path)), path
    # every pipeline makes 224 px views (patch rotation's CamVid pipeline is set to it)
    for name in bench.METHODS:
        sizes = []
        bench._walk(bench.method_dataset_cfg(name).pipeline,
                    lambda d: sizes.append(d.get('size', d.get('large_size')))
                    if d.get('type') in ('RandomResizedCropWithCoord', 'ConstrainedMultiCrop')
                    else None)
        assert sizes and set(sizes) == {224}, (name, sizes)


def test_tiny_run(tmp_path):
    bench = load_tool('loader_throughput', folder='benchmarks')
    out = tmp_path / 'loader.md'
    rows = bench.main(['--methods', 'plmoco-dec', 'plsiam-dec', 'detcons-dec', 'plr-dec',
                       '--workers', '1', '2', '--images', '8', '--batch', '2', '--cpu-images', '4',
                       '--image-size', '48', '64', '--data-root', str(tmp_path / 'data'),
                       '--out', str(out)])
    by = {(tuple(r['methods']), r['masks']): r for r in rows}
    assert set(by) == {(('plmoco-dec', 'plsiam-dec'), '-'), (('detcons-dec', ), 'computed'),
                       (('detcons-dec', ), 'cached'), (('plr-dec', ), '-')}
    for r in rows:
        assert set(r['rates']) == {1, 2} and all(v > 0 for v in r['rates'].values())
        assert r['per_core'] > 0
        assert r['workers_for_gpu'] == math.ceil(bench.GPU_IMAGES_PER_S / r['per_core'])
    cached = by[(('detcons-dec', ), 'cached')]
    assert cached['first_epoch']['images_per_s'] > 0  # the epoch that wrote the 8 masks
    assert by[(('plr-dec', ), '-')]['pipeline'] == 'one 224 px view + patch rotation'
    text = out.read_text()
    assert '| PLMoCo w/dec, PLSiam w/dec | two 224 px views | - |' in text
    assert '| DetCon-S w/dec | two 224 px views + Felzenszwalb masks | cached |' in text
    assert 'This machine has' in text and 'what a V100 consumes' in text
    data = json.loads((tmp_path / 'loader.json').read_text())
    assert len(data['rows']) == 4 and data['images'] == 8 and data['cpu_images'] == 4
