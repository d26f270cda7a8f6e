"""The segmentation heads (decoders): the short name a command takes, the config folder, the title
tables print and the decoder's output channels (the input of a w/dec projector)."""
from dataclasses import dataclass
from typing import Dict


@dataclass(frozen=True)
class Head:
    """One decode head of MMSeg that pre-training can carry (minus its classifier).

    Args:
        name (str): the short name (``--head``, config tags such as ``plmoco_r18-d8-nl``).
        folder (str): its folder under ``configs/seg/`` and the prefix of its leaf configs.
        title (str): the name printed in tables.
        channels (int): channels of the decoder's output at ResNet-18 width.
    """

    name: str
    folder: str
    title: str
    channels: int

    @property
    def decoder_var(self) -> str:
        """The decoder dict of ``configs/_base_/models/r18-d8.py`` and its kin."""
        return f'{self.name}_decoder'


HEADS: Dict[str, Head] = {
    h.name: h
    for h in (
        Head('mocofcn', 'mocofcn', 'MoCoFCN', 256),
        Head('psp', 'pspnet', 'PSPNet', 128),
        Head('aspp', 'deeplabv3', 'DeepLabv3', 128),
        Head('dlv3p', 'deeplabv3plus', 'DeepLabv3+', 128),
        Head('nl', 'nonlocal', 'Non-local', 128),
        Head('psp256', 'pspnet256', 'PSPNet-256', 256),
    )
}


def head_of(name: str) -> Head:
    """The head called ``name``; a ``KeyError`` names the known ones otherwise."""
    try:
        return HEADS[name]
    except KeyError:
        raise KeyError(f'unknown head {name!r}; known: {", ".join(HEADS)}') from None
