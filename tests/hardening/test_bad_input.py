"""Bad input files: each gives an error naming the file, or follows a documented rule
(docs/hardening.md), and a failed run leaves no half-written file in its work directory."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope
from PIL import Image

from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
from ssl4dp_mm.datasets.transforms import RandomResizedCropWithCoord
from ssl4dp_mm.datasets.transforms.loading import LoadImageChecked
from tests.conftest import load_config, train_few_iters

SELFSUP_CFG = 'selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
SEG_CFG = 'seg/mocofcn/mocofcn_r18-d8_ft100-300i_toyscenes.py'


def _image(h=40, w=50, seed=0):
    return (np.random.RandomState(seed).rand(h, w, 3) * 255).astype(np.uint8)


def _toy(tmp_path, train=4, val=1):
    return make_toy_scenes(str(tmp_path / 'toy'), {'train': train, 'val': val}, seed=0)


def _build(dataset_cfg, scope):
    init_default_scope(scope)
    if scope == 'mmseg':
        from mmseg.registry import DATASETS
    else:
        from mmselfsup.registry import DATASETS
    return DATASETS.build(dataset_cfg)


def _no_partial_files(work_dir):
    """Every .pth under the work dir loads, and no temporary file was left behind."""
    from ssl4dp_mm.checkpoints import load_checkpoint_file
    for folder, _, files in os.walk(work_dir):
        for name in files:
            assert not name.endswith('.tmp') and not name.startswith('.tmp-'), name
            if name.endswith('.pth'):
                load_checkpoint_file(osp.join(folder, name))


# ---- corrupt, empty, truncated and missing images --------------------------------------------
def _bad_files(folder):
    os.makedirs(folder, exist_ok=True)
    img = _image(120, 160)
    ok_png, ok_jpg = osp.join(folder, 'ok.png'), osp.join(folder, 'ok.jpg')
    cv2.imwrite(ok_png, img)
    cv2.imwrite(ok_jpg, img)
    files = {}
    for name, data in [('garbage.png', os.urandom(700)), ('empty.png', b''),
                       ('text.jpg', b'not an image\n'),
                       ('truncated.png', open(ok_png, 'rb').read()[:-300]),
                       ('truncated.jpg', open(ok_jpg, 'rb').read()[:-300])]:
        files[name] = osp.join(folder, name)
        with open(files[name], 'wb') as f:
            f.write(data)
    files['missing.png'] = osp.join(folder, 'missing.png')
    return files


@pytest.mark.parametrize('kind', ['garbage.png', 'empty.png', 'text.jpg', 'truncated.png',
                                  'truncated.jpg', 'missing.png'])
def test_bad_image_raises_naming_the_file(tmp_path, kind):
    path = _bad_files(str(tmp_path))[kind]
    error = FileNotFoundError if kind == 'missing.png' else ValueError
    with pytest.raises(error, match=kind.replace('.', r'\.')):
        LoadImageChecked()(dict(img_path=path))
    assert LoadImageChecked(ignore_empty=True)(dict(img_path=path)) is None


def test_corrupt_image_stops_training_and_leaves_no_partial_file(tmp_path):
    root = _toy(tmp_path, train=2)
    folder = osp.join(root, 'img_dir', 'train')
    bad = osp.join(folder, sorted(os.listdir(folder))[1])
    with open(bad, 'wb') as f:
        f.write(os.urandom(500))
    cfg = load_config(SELFSUP_CFG, root, **{'model.queue_len': 64})
    cfg.train_dataloader.num_workers = 1  # the error crosses a DataLoader worker
    work_dir = tmp_path / 'work'
    with pytest.raises(ValueError, match=osp.basename(bad)):
        train_few_iters(cfg, work_dir, iters=2, batch_size=2)
    assert not list(work_dir.glob('*.pth'))
    _no_partial_files(work_dir)


# ---- images smaller than the crop ------------------------------------------------------------
@pytest.mark.parametrize('hw', [(1, 1), (5, 7), (30, 20)])
def test_crop_of_an_image_smaller_than_the_crop(hw):
    """Rule: the crop is sampled inside the image and resized up to ``size``."""
    h, w = hw
    np.random.seed(0)
    for _ in range(20):
        out = RandomResizedCropWithCoord(size=64, scale=(0.2, 1.0))(dict(img=_image(h, w)))
        assert out['img'].shape == (64, 64, 3)
        x_l, y_t, x_r, y_b = out['coord_box']
        assert 0 <= x_l < x_r <= w and 0 <= y_t < y_b <= h
    if hw == (1, 1):  # the only crop of a 1x1 image is the image
        np.testing.assert_array_equal(out['coord_box'], [0, 0, 1, 1])
        assert (out['img'] == _image(1, 1)[0, 0]).all()


def test_tiny_images_through_the_pretraining_pipeline(tmp_path):
    folder = tmp_path / 'imgs'
    folder.mkdir()
    for i, (h, w) in enumerate([(1, 1), (6, 9), (40, 30)]):
        cv2.imwrite(str(folder / f'{i}.png'), _image(h, w, seed=i))
    cfg = load_config(SELFSUP_CFG)
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.update(data_root=str(tmp_path), data_prefix=dict(img_path='imgs'))
    dataset = _build(dataset_cfg, 'mmselfsup')
    for i in range(len(dataset)):
        item = dataset[i]
        assert [tuple(v.shape) for v in item['inputs']] == [(3, 64, 64)] * 2


def test_seg_image_smaller_than_the_crop_is_padded(tmp_path):
    """Rule (MMSeg's): RandomCrop keeps min(crop, image); the data preprocessor pads images to the
    crop size with 0 and label maps with 255 (ignored)."""
    root = _toy(tmp_path, train=1)
    name = os.listdir(osp.join(root, 'img_dir', 'train'))[0]
    img_path = osp.join(root, 'img_dir', 'train', name)
    seg_path = osp.join(root, 'ann_dir', 'train', name)
    cv2.imwrite(img_path, cv2.imread(img_path)[:20, :24])
    cv2.imwrite(seg_path, cv2.imread(seg_path, cv2.IMREAD_UNCHANGED)[:20, :24])
    cfg = load_config(SEG_CFG, root)
    cfg.train_pipeline = [t for t in cfg.train_pipeline if t['type'] != 'RandomResize']
    cfg.train_dataloader.dataset.pipeline = cfg.train_pipeline
    dataset = _build(cfg.train_dataloader.dataset, 'mmseg')
    item = dataset[0]
    assert tuple(item['inputs'].shape) == (3, 20, 24)
    from mmseg.registry import MODELS
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    out = preprocessor(dict(inputs=[item['inputs']], data_samples=[item['data_samples']]),
                       training=True)
    assert tuple(out['inputs'].shape) == (1, 3, 64, 64)
    gt = out['data_samples'][0].gt_sem_seg.data
    assert tuple(gt.shape) == (1, 64, 64)
    assert (gt[:, 20:, :] == 255).all() and (gt[:, :, 24:] == 255).all()
    assert (gt[:, :20, :24] < 6).all()


# ---- grayscale, RGBA, palette and 16-bit images ----------------------------------------------
def test_grayscale_rgba_palette_16bit_become_bgr(tmp_path):
    """Rule: OpenCV's IMREAD_COLOR gives 8-bit BGR: gray replicated, alpha dropped (not composited),
    palette expanded, 16-bit divided by 256."""
    rgb = _image(20, 30)
    gray = rgb[..., 0]
    Image.fromarray(gray).save(tmp_path / 'gray.png')
    Image.fromarray(np.dstack([rgb, np.full(gray.shape, 7, np.uint8)])).save(tmp_path / 'rgba.png')
    palette = Image.fromarray(rgb).convert('P', palette=Image.ADAPTIVE, colors=16)
    palette.save(tmp_path / 'palette.png')
    cv2.imwrite(str(tmp_path / 'u16.png'), rgb[..., ::-1].astype(np.uint16) * 257)
    load = LoadImageChecked()
    out = load(dict(img_path=str(tmp_path / 'gray.png')))['img']
    assert out.shape == (20, 30, 3) and out.dtype == np.uint8
    assert all((out[..., c] == gray).all() for c in range(3))
    out = load(dict(img_path=str(tmp_path / 'rgba.png')))['img']
    np.testing.assert_array_equal(out, rgb[..., ::-1])
    out = load(dict(img_path=str(tmp_path / 'palette.png')))['img']
    np.testing.assert_array_equal(out, np.asarray(palette.convert('RGB'))[..., ::-1])
    out = load(dict(img_path=str(tmp_path / 'u16.png')))['img']
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, rgb[..., ::-1])
    # other decode flags: still 3 channels
    unchanged = LoadImageChecked(color_type='unchanged')
    out = unchanged(dict(img_path=str(tmp_path / 'gray.png')))['img']
    assert out.shape == (20, 30, 3) and all((out[..., c] == gray).all() for c in range(3))
    out = unchanged(dict(img_path=str(tmp_path / 'rgba.png')))['img']
    np.testing.assert_array_equal(out, rgb[..., ::-1])


def test_grayscale_image_through_the_pretraining_pipeline(tmp_path):
    folder = tmp_path / 'imgs'
    folder.mkdir()
    Image.fromarray(_image(80, 90)[..., 0]).save(folder / 'gray.png')
    Image.fromarray(np.dstack([_image(80, 90), _image(80, 90)[..., :1]])).save(folder / 'rgba.png')
    cfg = load_config(SELFSUP_CFG)
    cfg.train_dataloader.dataset.update(data_root=str(tmp_path), data_prefix=dict(img_path='imgs'))
    dataset = _build(cfg.train_dataloader.dataset, 'mmselfsup')
    for i in range(len(dataset)):
        assert [tuple(v.shape) for v in dataset[i]['inputs']] == [(3, 64, 64)] * 2


# ---- label maps ------------------------------------------------------------------------------
def _seg_dataset(cfg_path, root, pipeline='train'):
    cfg = load_config(cfg_path, root)
    loader = cfg.train_dataloader if pipeline == 'train' else cfg.val_dataloader
    return _build(loader.dataset, 'mmseg')


@pytest.mark.parametrize('pipeline', ['train', 'val'])
def test_label_values_outside_the_classes_raise(tmp_path, pipeline):
    root = _toy(tmp_path, train=2, val=2)
    split = 'train' if pipeline == 'train' else 'val'
    names = sorted(os.listdir(osp.join(root, 'ann_dir', split)))
    bad = osp.join(root, 'ann_dir', split, names[1])
    label = cv2.imread(bad, cv2.IMREAD_UNCHANGED)
    label[:4, :4] = 6  # the toy scenes have 6 classes: 0..5
    label[4:8, :4] = 9
    label[8:12, :4] = 255  # ignored, allowed
    cv2.imwrite(bad, label)
    expected = sorted({int(v) for v in np.unique(label)} - set(range(6)) - {255})
    assert expected == [6, 9]
    dataset = _seg_dataset(SEG_CFG, root, pipeline)
    dataset[0]  # a clean map passes
    with pytest.raises(ValueError, match=rf'{names[1]}.*\[6, 9\]'):
        dataset[1]


def test_colour_label_map_raises(tmp_path):
    root = _toy(tmp_path, train=1)
    path = osp.join(root, 'ann_dir', 'train', os.listdir(osp.join(root, 'ann_dir', 'train'))[0])
    label = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    cv2.imwrite(path, np.dstack([label] * 3))
    with pytest.raises(ValueError, match=rf'{osp.basename(path)}.*one channel'):
        _seg_dataset(SEG_CFG, root)[0]


def test_camvid_label_values_outside_the_classes_raise(tmp_path):
    """CamVid's pipeline (11 classes, .jpg images) checks its labels the same way."""
    from mmengine.config import Config

    from tests.conftest import config_path
    root = tmp_path / 'camvid'
    for split in ('train', 'val'):
        os.makedirs(root / 'img_dir' / split)
        os.makedirs(root / 'ann_dir' / split)
        for i, value in enumerate([10, 11]):
            cv2.imwrite(str(root / 'img_dir' / split / f'{i}.jpg'), _image(36, 48, seed=i))
            label = np.full((36, 48), value, np.uint8)
            cv2.imwrite(str(root / 'ann_dir' / split / f'{i}.png'), label)
    base = Config.fromfile(config_path('_base_', 'datasets', 'camvid_seg.py'))
    dataset_cfg = base.train_dataloader.dataset
    dataset_cfg.data_root = str(root)
    dataset = _build(dataset_cfg, 'mmseg')
    assert dataset.metainfo['classes'][-1] == 'Bicyclist' and len(dataset.metainfo['classes']) == 11
    dataset[0]
    with pytest.raises(ValueError, match=r'1\.png.*\[11\]'):
        dataset[1]


# ---- missing annotations and empty folders ---------------------------------------------------
def test_missing_label_map_raises_when_the_dataset_is_built(tmp_path):
    root = _toy(tmp_path, train=3)
    names = sorted(os.listdir(osp.join(root, 'ann_dir', 'train')))
    os.remove(osp.join(root, 'ann_dir', 'train', names[2]))
    with pytest.raises(FileNotFoundError, match=rf'1 listed .*{names[2]}'):
        _seg_dataset(SEG_CFG, root)


def test_missing_split_file_and_listed_image(tmp_path):
    root = _toy(tmp_path, train=3)
    cfg = load_config(SEG_CFG, root, **{'train_dataloader.dataset.ann_file': 'splits/none.txt'})
    with pytest.raises(FileNotFoundError, match=r'splits/none\.txt'):
        _build(cfg.train_dataloader.dataset, 'mmseg')
    os.makedirs(osp.join(root, 'splits'))
    with open(osp.join(root, 'splits', 'some.txt'), 'w') as f:
        f.write('scene_00000\nscene_99999\n')
    cfg = load_config(SEG_CFG, root, **{'train_dataloader.dataset.ann_file': 'splits/some.txt'})
    with pytest.raises(FileNotFoundError, match='scene_99999.png'):
        _build(cfg.train_dataloader.dataset, 'mmseg')


def test_empty_image_folders_raise(tmp_path):
    root = tmp_path / 'empty'
    for sub in ('img_dir/train', 'ann_dir/train', 'img_dir/val', 'ann_dir/val'):
        os.makedirs(root / sub)
    with pytest.raises(FileNotFoundError, match=r"no images .*img_dir/train"):
        _seg_dataset(SEG_CFG, str(root))
    cfg = load_config(SELFSUP_CFG, str(root))
    with pytest.raises(FileNotFoundError, match=r'no images .*img_dir/train'):
        _build(cfg.train_dataloader.dataset, 'mmselfsup')
    cfg = load_config(SELFSUP_CFG, str(tmp_path / 'nowhere'))
    with pytest.raises(FileNotFoundError, match=r'nowhere/img_dir/train'):
        _build(cfg.train_dataloader.dataset, 'mmselfsup')


def test_checked_pipelines_are_the_defaults():
    """The base dataset configs use the checked loader and label check (what the rules rely on)."""
    from mmengine.config import Config

    from tests.conftest import config_path
    for name in ('toy_scenes_selfsup.py', 'toy_scenes_seg.py', 'camvid_seg.py'):
        cfg = Config.fromfile(config_path('_base_', 'datasets', name))
        pipelines = [cfg.train_pipeline] + ([cfg.test_pipeline] if 'test_pipeline' in cfg else [])
        for pipeline in pipelines:
            types = [t['type'] for t in pipeline]
            assert types[0] == 'LoadImageChecked', (name, types)
            if 'LoadAnnotations' in types:
                assert types[types.index('LoadAnnotations') + 1] == 'CheckSegLabels', (name, types)


def test_label_check_passes_through_without_labels():
    """mmseg's inference_model removes LoadAnnotations but keeps the rest of the test pipeline."""
    import numpy as np

    from ssl4dp_mm.datasets.transforms import CheckSegLabels
    results = dict(img=np.zeros((4, 4, 3), np.uint8))
    assert CheckSegLabels(num_classes=3)(results) is results
