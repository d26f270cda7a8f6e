"""Exemplar-v2: MoCo v2 whose negatives never share the query's image-level label."""
from typing import Dict, List, Sequence

import torch
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.contrast import image_logits
from .moco_dec import MoCoDec

MAX_MULTI_HOT_CLASSES = 63  # a multi-hot label is kept as the bits of one int64 in the queue


def label_codes(labels: Sequence[torch.Tensor], multi_label: bool = False) -> torch.Tensor:
    """Image-level labels -> one int64 code per image, the form the queue stores.

    Args:
        labels (Sequence[torch.Tensor]): One label per image: a class index (any shape with one
            element; -1 means unlabelled) or, with ``multi_label``, a 0/1 vector over the classes.
        multi_label (bool): Whether the labels are multi-hot. Defaults to False.

    Returns:
        torch.Tensor: N codes: the class index, or for multi-hot the bit mask of the positive
        classes (bit ``c`` set for class ``c``).
    """
    if not multi_label:
        flat = [torch.as_tensor(label).reshape(-1) for label in labels]
        bad = [tuple(label.shape) for label in flat if label.numel() != 1]
        if bad:
            raise ValueError(f'single-label mode expects one class index per image, got a label of '
                             f'{bad[0][0]} values; set multi_label=True for multi-hot labels')
        return torch.cat(flat).long()
    hot = torch.stack([torch.as_tensor(label).reshape(-1) for label in labels]) != 0  # NxC
    num_classes = hot.size(1)
    if num_classes < 2 or num_classes > MAX_MULTI_HOT_CLASSES:
        raise ValueError(f'multi_label=True expects multi-hot vectors over 2 to '
                         f'{MAX_MULTI_HOT_CLASSES} classes, got length {num_classes}')
    bits = torch.ones(num_classes, dtype=torch.long) << torch.arange(num_classes)  # C
    return (hot.long() * bits.to(hot.device)).sum(1)


def shares_label(codes_a: torch.Tensor, codes_b: torch.Tensor,
                 multi_label: bool = False) -> torch.Tensor:
    """Whether two images share a label (broadcasting), i.e. are NOT a true negative pair.

    Single label: the same class. Multi-hot: at least one positive class in common. A negative code
    (unlabelled image, or a queue entry never written) shares nothing.
    """
    known = (codes_a >= 0) & (codes_b >= 0)
    if multi_label:
        return known & ((codes_a & codes_b) != 0)
    return known & (codes_a == codes_b)


@MODELS.register_module()
class ExemplarV2(MoCoDec):
    """Exemplar-v2: MoCo v2 with image-level labels (w/ or w/o decoder, as :class:`MoCoDec`).

    Zhao et al., "What Makes Instance Discrimination Good for Transfer Learning?", ICLR 2021
    (https://arxiv.org/abs/2006.06606). Instance discrimination pushes apart images of the same
    class; Exemplar-v2 keeps the exemplar task but removes from the softmax denominator every
    negative that shares the query's label. The positive (the other view of the same image) is
    unchanged. The queue keeps each key's label beside it, so queued negatives are filtered alike.

    A *true negative* (one that stays in the denominator) is:

    - single label: a key of another class;
    - multi-hot: a key with no positive class in common with the query (empty intersection);
    - a key or query without a label (-1, or an all-zero multi-hot vector), and the queue's random
      initial entries: always a true negative.

    Labels come from the data samples' ``gt_label`` (e.g. :class:`SegMapImageLabels` packed with
    ``PackDenseSSLInputs(algorithm_keys=['gt_label'])``). When every label differs, the loss is
    exactly MoCo v2's.

    Args:
        multi_label (bool): Whether ``gt_label`` is multi-hot (at most 63 classes) rather than a
            class index. Defaults to False.
        **kwargs: Those of :class:`MoCoDec` (:class:`MomentumQueueSSL`).
    """

    queue_with_labels = True

    def __init__(self, multi_label: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.multi_label = multi_label

    def batch_labels(self, data_samples: List[SelfSupDataSample]) -> torch.Tensor:
        """The label codes (N, see :func:`label_codes`) of the data samples' ``gt_label``."""
        labels = []
        for i, data_sample in enumerate(data_samples):
            label = getattr(data_sample, 'gt_label', None)
            if label is None:
                raise KeyError(
                    f"ExemplarV2 needs an image-level 'gt_label' in every data sample (sample {i} "
                    "has none): use a labelled dataset (e.g. SegMapImageLabels) and "
                    "PackDenseSSLInputs(algorithm_keys=['gt_label'])")
            labels.append(label.value if hasattr(label, 'value') else label)
        return label_codes(labels, self.multi_label)

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        im_q, im_k = inputs[0], inputs[1]
        labels = self.batch_labels(data_samples).to(im_q.device)  # N
        q = self.project(im_q)  # NxC
        k = self.key_forward(im_k)  # NxC, no gradient
        l_pos, l_neg = image_logits(q, k, self.queue.feats)  # Nx1, NxK
        same = shares_label(labels[:, None], self.queue.labels[None, :], self.multi_label)  # NxK
        l_neg = l_neg.masked_fill(same, float('-inf'))  # not negatives: out of the denominator
        loss = self.head(l_pos, l_neg)
        self.queue.enqueue(k, labels)
        return dict(loss=loss, removed_negatives=same.sum(1).float().mean())
