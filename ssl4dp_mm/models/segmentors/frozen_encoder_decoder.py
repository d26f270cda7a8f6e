"""An MMSeg EncoderDecoder in which only named parameters learn (the linear probe)."""
from typing import Sequence

from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm


@MODELS.register_module()
class FrozenEncoderDecoder(EncoderDecoder):
    """``EncoderDecoder`` whose parameters are frozen except those under ``trainable`` prefixes.

    For the linear probe (LP-100%) ``trainable=['decode_head.conv_seg']``: backbone and decoder keep
    their pre-trained weights bit for bit, and every BatchNorm outside the trainable prefixes stays
    in eval mode, so its running statistics do not move either. Dropout keeps its configured
    behaviour.

    Args:
        trainable (Sequence[str]): Parameter-name prefixes that keep ``requires_grad``.
            Defaults to ('decode_head.conv_seg', ).
        **kwargs: Passed to :class:`mmseg.models.EncoderDecoder`.
    """

    def __init__(self, trainable: Sequence[str] = ('decode_head.conv_seg', ), **kwargs) -> None:
        super().__init__(**kwargs)
        self.trainable = tuple(trainable)
        names = [name for name, _ in self.named_parameters()]
        unknown = [p for p in self.trainable if not any(n.startswith(p) for n in names)]
        if unknown:
            raise KeyError(f'FrozenEncoderDecoder: no parameter starts with {unknown}')
        for name, param in self.named_parameters():
            param.requires_grad_(self._is_trainable(name))

    def _is_trainable(self, name: str) -> bool:
        return any(name == p or name.startswith(p + '.') for p in self.trainable)

    def train(self, mode: bool = True) -> 'FrozenEncoderDecoder':
        """Switch modes, keeping frozen BatchNorm layers in eval mode."""
        super().train(mode)
        for name, module in self.named_modules():
            if isinstance(module, _BatchNorm) and not self._is_trainable(name):
                module.eval()
        return self
