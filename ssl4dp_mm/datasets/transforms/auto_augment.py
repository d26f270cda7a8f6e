"""mmcls's AutoAugment, made buildable inside a pre-training (``mmselfsup``-scope) pipeline."""
from mmcls.datasets.transforms import AutoAugment
from mmengine.registry import DefaultScope
from mmselfsup.registry import TRANSFORMS


@TRANSFORMS.register_module()
class MMClsAutoAugment(AutoAugment):
    """mmcls's ``AutoAugment`` (Cubuk et al., https://arxiv.org/abs/1805.09501), unchanged.

    mmcls builds the operations of a policy (``Posterize``, ``Rotate``, ...) from its own registry,
    but mmengine redirects every build to the current default scope; in a pre-training run that is
    ``mmselfsup``, which has none of them, so ``dict(type='mmcls.AutoAugment')`` fails with
    ``KeyError: 'Posterize is not in the mmselfsup::transform registry'``. This subclass only builds
    the policy under mmcls's scope; sampling and the operations are mmcls's.

    The 'imagenet' policy contains Rotate and Shear, which move pixels without updating
    ``coord_box``: use it for image-level losses, not for dense ones.

    Args:
        policies (str | list[list[dict]]): A preset name of mmcls ('imagenet') or a list of
            sub-policies. Defaults to 'imagenet'.
        hparams (dict): Defaults for the operations' arguments. Defaults to ``dict(pad_val=128)``.
    """

    def __init__(self, policies='imagenet', hparams: dict = dict(pad_val=128)) -> None:
        with DefaultScope.overwrite_default_scope('mmcls'):
            super().__init__(policies=policies, hparams=hparams)
