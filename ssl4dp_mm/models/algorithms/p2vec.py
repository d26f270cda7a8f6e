"""P2Vec: word2vec for pixels. A location's context predicts the encoder's feature there."""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.cell_nce import cell_info_nce
from ..utils.gather import as_global_mean, batch_rand, batch_sizes, gather_rows
from .encoder_decoder_base import EncoderDecoderSSL


@MODELS.register_module()
class P2Vec(EncoderDecoderSSL):
    """Word2vec (Mikolov et al., 2013, https://arxiv.org/abs/1310.4546) on feature-map cells.

    - **Word** of location ``i``: the backbone's feature map (output ``in_index``) of the intact
      image at ``i``, projected by ``word_neck`` (1x1 convs) and L2-normalised.
    - **Context** of location ``i``: the decoder's output at ``i`` (w/o dec: the backbone's map),
      projected by ``neck``, computed from the image with the pixels of cell ``i`` masked out.
    - **Objective**: InfoNCE, the continuous form of negative sampling: the context of each masked
      location must pick its own word among the words of every other location of the batch, of the
      same image and of the other images (``cell_info_nce``, in chunks of queries; the temperature
      is in ``head``). Under DDP the words of every process are gathered, with their gradient,
      the masked cells are drawn for the whole batch and the loss is the mean over every process's
      contexts (:mod:`ssl4dp_mm.models.utils.gather`): W processes compute what one process does.

    **How the centre is hidden.** A fraction ``mask_ratio`` of the cells of each image is chosen at
    random and the stride x stride pixel block of each chosen cell is set to 0, the dataset mean
    after normalisation; the masked image goes through backbone and decoder. Masking *pixels* rather
    than decoder inputs is what makes the context blind to the centre: the backbone's receptive
    field is much larger than a cell, so a neighbour's backbone feature would otherwise carry the
    centre's pixels into the decoder, and PSP/ASPP pooling or stacked dilated convs would see the
    centre itself even with the centre tap of one conv zeroed. Masking pixels also leaves every
    decoder (MoCoFCN, PSPHead, ASPPHead) unchanged, so its weights transfer to segmentation key
    for key. Several cells are masked in one pass (like BERT's masked tokens); a context then also
    misses the other masked cells, which only makes its task harder. The words come from a second,
    unmasked backbone pass. Only the first view of ``inputs`` is used. A decoder whose map is a
    whole multiple of the word map (DeepLabv3+, stride 4) is average-pooled onto the word cells.

    Args:
        word_neck (dict): Word projector config (``DenseProjector``; input: the backbone's
            channels).
        mask_ratio (float): Fraction of the cells of each image that are masked and predicted
            (at least one per image). Defaults to 0.25.
        **kwargs: Those of :class:`EncoderDecoderSSL`: ``neck`` is the context projector
            (``DenseProjector``; input: the decoder's channels), ``head`` a ``ContrastiveHead``
            (holds the temperature), and ``in_index`` the backbone output that gives the words
            (and the context w/o dec).
    """

    def __init__(self, word_neck: dict, mask_ratio: float = 0.25, **kwargs) -> None:
        super().__init__(**kwargs)
        if not 0. < mask_ratio <= 1.:
            raise ValueError(f'P2Vec: mask_ratio must be in (0, 1], got {mask_ratio}')
        self.word_neck = MODELS.build(word_neck)
        self.mask_ratio = mask_ratio

    def sample_mask(self, n: int, h: int, w: int, device=None,
                    sizes: Optional[Sequence[int]] = None) -> torch.Tensor:
        """``round(mask_ratio * h * w)`` (at least 1) random cells per image, Nxhxw bool.

        ``sizes`` (images of every process, :func:`batch_sizes`) draws the cells of the whole
        batch and keeps this process's; None (the default) draws for the ``n`` images alone."""
        num = max(1, int(round(self.mask_ratio * h * w)))
        rand = batch_rand(sizes if sizes is not None else [n], h * w, device=device)  # Nx(h*w)
        pick = rand.argsort(dim=1)[:, :num]  # Nxnum
        mask = torch.zeros(n, h * w, dtype=torch.bool, device=device)
        return mask.scatter(1, pick, True).view(n, h, w)

    def words(self, img: torch.Tensor) -> torch.Tensor:
        """Intact images -> L2-normalised words, NxCxhxw."""
        return F.normalize(self.word_neck([self.backbone(img)[self.in_index]])[0], dim=1)

    def contexts(self, img: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Images with the pixels of the ``mask`` cells (Nxhxw) zeroed -> contexts, NxCxhxw.

        A decoder finer than the word map by a whole factor (DeepLabv3+: stride 4 against the
        backbone's 8) is average-pooled onto the word cells before the projector, so each cell's
        context is the mean of the decoder cells inside it (all of them masked when it is)."""
        size = tuple(mask.shape[1:])
        mask = F.interpolate(mask[:, None].float(), size=img.shape[2:], mode='nearest')  # Nx1xHxW
        feat = self.encode(img * (1. - mask))  # NxDxh'xw'
        fh, fw = feat.shape[2:]
        if (fh, fw) != size and fh % size[0] == 0 and fw % size[1] == 0:
            feat = F.adaptive_avg_pool2d(feat, size)  # NxDxhxw
        return F.normalize(self.neck([feat])[0], dim=1)

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        img = inputs[0]  # NxCxHxW
        words = self.words(img)  # NxCxhxw
        n, c, h, w = words.shape
        sizes = batch_sizes(n, img.device)  # images of every process
        mask = self.sample_mask(n, h, w, img.device, sizes)  # Nxhxw
        ctx = self.contexts(img, mask)  # NxCxhxw
        if ctx.shape[2:] != words.shape[2:]:
            raise ValueError(f'P2Vec: context map {tuple(ctx.shape[2:])} and word map '
                             f'{(h, w)} differ; the decoder must keep the backbone resolution '
                             'or a whole multiple of it')

        flat_mask = mask.flatten(1)  # Nx(h*w)
        q = ctx.flatten(2).transpose(1, 2)[flat_mask]  # MxC, contexts of masked cells
        words = words.flatten(2).transpose(1, 2).reshape(n * h * w, c)  # (N*h*w)xC
        # the words of every process (N' images), with their gradient: the negatives of the batch
        keys, first = gather_rows(words, [s * h * w for s in sizes], differentiable=True)
        pos_index = torch.arange(n * h * w, device=img.device).view(n, h * w)[flat_mask]  # M
        # Mx1 vs Mx(N'*h*w) logits, in chunks of queries (exact; memory bounded)
        loss = cell_info_nce(q, words[pos_index], keys, None, self.head.temperature,
                             pos_col=pos_index + first, near_mode='negative')
        return dict(loss=as_global_mean(loss, q.size(0)))  # the mean over all processes' queries
