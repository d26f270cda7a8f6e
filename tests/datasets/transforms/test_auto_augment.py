"""MMClsAutoAugment: mmcls's AutoAugment, built and run inside MMSelfSup's scope."""
import numpy as np
import pytest
from mmcls.datasets.transforms.auto_augment import AUTOAUG_POLICIES
from mmengine.registry import DefaultScope
from mmselfsup.registry import TRANSFORMS


def test_plain_mmcls_autoaugment_fails_in_the_mmselfsup_scope():
    # the reason for the subclass; if this starts passing, the subclass is no longer needed
    with DefaultScope.overwrite_default_scope('mmselfsup'):
        with pytest.raises(KeyError, match='Posterize'):
            TRANSFORMS.build(dict(type='mmcls.AutoAugment', policies='imagenet'))


def test_builds_mmcls_policy_and_augments():
    with DefaultScope.overwrite_default_scope('mmselfsup'):
        transform = TRANSFORMS.build(dict(type='MMClsAutoAugment', policies='imagenet'))
    assert len(transform.transforms) == len(AUTOAUG_POLICIES['imagenet'])
    np.random.seed(0)
    img = np.random.randint(0, 256, (40, 48, 3), np.uint8)
    changed = 0
    for _ in range(20):
        out = transform(dict(img=img.copy(), img_shape=img.shape[:2]))['img']
        assert out.shape == img.shape and out.dtype == np.uint8
        changed += int(not np.array_equal(out, img))
    assert changed > 0
