"""The stack's shims: registries, the missing mmselfsup module, safe checkpoint loading."""
import pickle
import sys

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

import ssl4dp_mm
from ssl4dp_mm.checkpoints import load_checkpoint_file, save_checkpoint_atomic


def test_import_registers_the_plugin():
    from mmseg.registry import DATASETS as SEG_DATASETS
    from mmseg.registry import MODELS as SEG_MODELS
    from mmselfsup.registry import DATASETS, MODELS, TRANSFORMS
    for name in ('MoCoDec', 'PLMoCo', 'DenseProjector'):
        assert MODELS.get(name) is not None, name
    for name in ('RandomResizedCropWithCoord', 'RandomFlipWithCoord', 'MultiViewWithCoord',
                 'PackDenseSSLInputs'):
        assert TRANSFORMS.get(name) is not None, name
    assert DATASETS.get('ImageFolder') is not None
    assert SEG_DATASETS.get('ToyScenesDataset') is not None
    assert SEG_DATASETS.get('CamVidDataset') is not None
    assert SEG_MODELS.get('FrozenEncoderDecoder') is not None
    assert 'mmselfsup.engine.runner' in sys.modules


def test_mmengine_checkpoint_loads_with_weights_only(tmp_path):
    """What mmengine writes (message hub with HistoryBuffers, numpy values) loads safely."""
    hub = MessageHub.get_instance('compat_test')
    for v in (1.0, 2.5, 3.0):
        hub.update_scalar('train/loss', v)
    hub.update_info('np_value', np.float64(1.5))
    ckpt = dict(meta=dict(seed=np.int64(3), arr=np.arange(3.)), state_dict={'w': torch.ones(2)},
                message_hub=hub.state_dict())
    path = str(tmp_path / 'ckpt.pth')
    torch.save(ckpt, path)
    loaded = load_checkpoint_file(path)
    buf = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buf, HistoryBuffer) and buf.mean() == pytest.approx(6.5 / 3)
    assert loaded['meta']['seed'] == 3


class Planted:
    """Unpickling this creates a marker file (a stand-in for any side effect)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def test_planted_pickle_is_not_executed(tmp_path):
    marker = tmp_path / 'payload_ran'
    path = str(tmp_path / 'evil.pth')
    torch.save(dict(state_dict={'w': torch.ones(1)}, payload=Planted(str(marker))), path)
    with pytest.raises(ValueError, match='evil.pth'):
        load_checkpoint_file(path)
    assert not marker.exists()
    torch.load(path, weights_only=False).get('payload').close()  # control: the payload is live
    assert marker.exists()


def test_getattr_stand_in_refuses_other_lookups():
    from ssl4dp_mm.compat import restricted_getattr
    assert restricted_getattr(HistoryBuffer, 'mean') is HistoryBuffer.mean
    with pytest.raises(pickle.UnpicklingError):
        restricted_getattr(__import__('os'), 'system')
    with pytest.raises(pickle.UnpicklingError):
        restricted_getattr(HistoryBuffer, '__init__')


def test_atomic_save_leaves_nothing_on_failure(tmp_path):
    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError('cannot pickle')
    target = tmp_path / 'out.pth'
    with pytest.raises(RuntimeError):
        save_checkpoint_atomic({'x': Unpicklable()}, str(target))
    assert list(tmp_path.iterdir()) == []


def test_version():
    assert ssl4dp_mm.__version__


@pytest.mark.parametrize('backend', ['cv2', 'pillow'])
def test_adjust_hue_matches_mmcv_under_numpy1(backend):
    """The NumPy-2-safe hue shift equals mmcv's own under the pinned NumPy 1, including negative
    factors (where NumPy 1 wrapped around and NumPy 2 raises)."""
    import mmcv

    from ssl4dp_mm.compat import adjust_hue
    if int(np.__version__.split('.')[0]) >= 2:
        pytest.skip('mmcv.adjust_hue itself is the broken reference under NumPy 2')
    img = np.random.default_rng(0).integers(0, 256, (17, 23, 3), dtype=np.uint8)
    for factor in (-0.5, -0.37, -0.1, -0.004, 0.0, 0.05, 0.29, 0.5):
        with np.errstate(over='ignore'):
            expected = mmcv.adjust_hue(img, factor, backend=backend)
        np.testing.assert_array_equal(adjust_hue(img, factor, backend=backend), expected)
    assert not np.array_equal(adjust_hue(img, -0.25, backend=backend), img)
    with pytest.raises(ValueError, match='hue_factor'):
        adjust_hue(img, 0.7)
