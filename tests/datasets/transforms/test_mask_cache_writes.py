"""Superpixel masks are written to the cache the first time they are computed: once per image across
DataLoader workers and epochs, atomically (no partial file is ever visible), and a cache that cannot
be written only costs the caching, with one warning."""
import errno
import multiprocessing
import os
import signal

import cv2
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from ssl4dp_mm.datasets.toy_scenes import make_scene
from ssl4dp_mm.datasets.transforms import mask_cache
from ssl4dp_mm.datasets.transforms.superpixels import FelzenszwalbMasks
from tests.conftest import load_config, load_tool

FH = dict(scale=64, sigma=0.8, min_size=16)


class CountingFelzenszwalb(FelzenszwalbMasks):
    """FelzenszwalbMasks that appends the image path to ``counter`` at every computation (a file,
    so that computations in DataLoader worker processes are counted too)."""

    def __init__(self, counter: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.counter = counter

    def compute_from_results(self, results: dict) -> np.ndarray:
        with open(self.counter, 'a') as f:
            f.write(results['img_path'] + '\n')
        return super().compute_from_results(results)


class MaskDataset(Dataset):
    """Each image's mask through ``transform``, as a pipeline gives it (BGR image, img_path)."""

    def __init__(self, paths: list, transform) -> None:
        self.paths = paths
        self.transform = transform

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int):
        img = cv2.imread(self.paths[i])
        return i, self.transform(dict(img=img, img_path=self.paths[i]))['masks']


def write_images(folder, n: int = 4, size=(40, 48)) -> list:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        img, _ = make_scene(rng, size)
        paths.append(str(folder / f'{i}.png'))
        cv2.imwrite(paths[-1], img[..., ::-1])
    return paths


def cache_files(root) -> list:
    return sorted(os.path.join(d, f) for d, _, files in os.walk(str(root)) for f in files)


def test_two_workers_two_epochs_compute_each_mask_once(tmp_path):
    paths = write_images(tmp_path / 'img')
    counter = tmp_path / 'computed.txt'
    cache = tmp_path / 'cache'
    transform = CountingFelzenszwalb(str(counter), cache_dir=str(cache), **FH)
    # fresh workers every epoch: what they share is the cache on disk, not memory
    loader = DataLoader(MaskDataset(paths, transform), batch_size=1, num_workers=2,
                        persistent_workers=False)
    first = {int(i): m[0] for i, m in loader}
    assert sorted(counter.read_text().split()) == sorted(paths)  # each image computed once
    files = [transform.cache_file(p) for p in paths]
    assert cache_files(cache) == sorted(files)  # every mask cached, nothing else left
    stats = [(os.stat(f).st_ino, os.stat(f).st_mtime_ns) for f in files]

    second = {int(i): m[0] for i, m in loader}
    assert sorted(counter.read_text().split()) == sorted(paths)  # epoch 2 computed nothing
    assert [(os.stat(f).st_ino, os.stat(f).st_mtime_ns) for f in files] == stats  # nor rewrote
    plain = FelzenszwalbMasks(**FH)
    for i, (path, file) in enumerate(zip(paths, files)):
        direct = plain.compute_from_results(dict(img=cv2.imread(path)))
        np.testing.assert_array_equal(mask_cache.load_mask(file, direct.shape), direct)
        assert torch.equal(first[i], torch.from_numpy(direct).to(first[i].dtype))
        assert torch.equal(second[i], first[i])


def _write_repeatedly(path: str, mask: np.ndarray, times: int) -> None:
    for _ in range(times):
        mask_cache.save_mask(path, mask)


def test_concurrent_writers_never_show_a_partial_file(tmp_path):
    mask = np.random.default_rng(0).integers(0, 300, (120, 160))
    path = str(tmp_path / 'cache' / 'key' / 'a.png')
    ctx = multiprocessing.get_context('fork')
    writers = [ctx.Process(target=_write_repeatedly, args=(path, mask, 40)) for _ in range(2)]
    for w in writers:
        w.start()
    reads = 0
    while any(w.is_alive() for w in writers):
        if os.path.isfile(path):  # what the transform does: if the file is there, it is whole
            np.testing.assert_array_equal(mask_cache.load_mask(path, mask.shape), mask)
            reads += 1
    for w in writers:
        w.join()
        assert w.exitcode == 0
    assert reads > 0
    np.testing.assert_array_equal(mask_cache.load_mask(path, mask.shape), mask)
    assert cache_files(tmp_path / 'cache') == [path]  # no temporary file left behind


def test_failed_write_leaves_no_file_and_warns_once(tmp_path, monkeypatch):
    paths = write_images(tmp_path / 'img', n=3)
    path = str(tmp_path / 'cache' / 'key' / 'a.png')
    calls = []

    def disk_full(fd):  # after the bytes were written, before the rename
        calls.append(fd)
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(mask_cache.os, 'fsync', disk_full)
    with pytest.raises(OSError, match='No space'):
        mask_cache.save_mask(path, np.zeros((4, 4), np.int64))
    assert cache_files(tmp_path / 'cache') == []  # neither the file nor its temporary

    # the transform computes as without a cache, warns once and stops trying in this process
    transform = FelzenszwalbMasks(cache_dir=str(tmp_path / 'cache'), **FH)
    plain = FelzenszwalbMasks(**FH)
    calls.clear()
    with pytest.warns(UserWarning) as record:
        for p in paths:
            img = cv2.imread(p)
            np.testing.assert_array_equal(
                transform(dict(img=img, img_path=p))['masks'],
                plain.compute_from_results(dict(img=img)))
    assert len(record) == 1 and 'No space' in str(record[0].message)
    assert len(calls) == 1
    assert cache_files(tmp_path / 'cache') == []


def _killed_mid_write(path: str, mask: np.ndarray) -> None:
    mask_cache.os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
    mask_cache.save_mask(path, mask)


def test_killed_write_leaves_no_partial_mask(tmp_path):
    (p, ) = write_images(tmp_path / 'img', n=1)
    transform = FelzenszwalbMasks(cache_dir=str(tmp_path / 'cache'), **FH)
    img = cv2.imread(p)
    mask = transform.compute_from_results(dict(img=img))
    path = transform.cache_file(p)
    child = multiprocessing.get_context('fork').Process(target=_killed_mid_write,
                                                        args=(path, mask))
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    assert not os.path.exists(path)
    (tmp, ) = os.listdir(os.path.dirname(path))  # the killed writer's hidden temporary file
    assert tmp.startswith('.') and tmp.endswith('.tmp')
    # the next reader finds no mask, computes it and writes it whole
    np.testing.assert_array_equal(transform(dict(img=img, img_path=p))['masks'], mask)
    np.testing.assert_array_equal(mask_cache.load_mask(path, mask.shape), mask)


def test_unwritable_cache_dir_falls_back_to_computing(tmp_path):
    paths = write_images(tmp_path / 'img', n=3)
    blocker = tmp_path / 'blocker'
    blocker.write_text('a file where the cache folder should be')  # fails for root too
    transform = FelzenszwalbMasks(cache_dir=str(blocker / 'cache'), **FH)
    plain = FelzenszwalbMasks(**FH)
    with pytest.warns(UserWarning) as record:
        for p in paths:
            img = cv2.imread(p)
            np.testing.assert_array_equal(transform(dict(img=img, img_path=p))['masks'],
                                          plain.compute_from_results(dict(img=img)))
    assert len(record) == 1
    assert 'blocker' in str(record[0].message) and 'without' in str(record[0].message)


def test_first_use_files_are_the_precompute_tool_files(toy_root, tmp_path):
    from mmengine.registry import init_default_scope
    from mmselfsup.registry import DATASETS
    cfg = load_config('selfsup/detcon/detconb_r18-d8-mocofcn_1xb8-300i_toyscenes.py', toy_root)
    cache = str(tmp_path / 'cache')
    cfg.train_dataloader.dataset.pipeline[1].update(cache_dir=cache, img_root=toy_root)
    init_default_scope('mmselfsup')
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    for i in range(4):
        dataset[i]  # training meets 4 images: their masks are written
    assert len(cache_files(cache)) == 4
    tool = load_tool('precompute_masks')
    report = tool.precompute(cfg, verbose=False)
    assert (report['written'], report['skipped'], report['total']) == (12, 4, 16)
    again = str(tmp_path / 'again')
    tool.precompute(cfg, cache_dir=again, overwrite=True, verbose=False)
    mine = cache_files(cache)
    assert [os.path.relpath(f, cache) for f in mine] == \
        [os.path.relpath(f, again) for f in cache_files(again)]
    for f in mine:  # the same bytes, whoever wrote them
        with open(f, 'rb') as a, open(os.path.join(again, os.path.relpath(f, cache)), 'rb') as b:
            assert a.read() == b.read()
