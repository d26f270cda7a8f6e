"""Dense nearest-neighbour retrieval in the Hummingbird style: Balažević et al., "Towards In-context
Scene Understanding" (NeurIPS 2023, https://arxiv.org/abs/2306.01667), as its open implementation
(github.com/vpariza/open-hummingbird-eval, the evaluation of NeCo and CrIBo) computes it.

**Memory bank.** Every train image is seen ``epochs`` times through a random resized crop (the
parameters of torchvision's ``RandomResizedCrop``: area ``scale``, aspect ``ratio``) and a
horizontal flip (probability ``flip_prob``), resized to ``crop_size`` (bilinear); its label map
goes through the same crop, resized (nearest) to ``mask_size``. Every feature cell of a crop is an
entry: its L2-normalised feature and, as its label, the class *distribution* of the mask pixels it
covers (pixel ``(y, x)`` of an ``H x W`` mask lies in cell ``(y * h // H, x * w // W)``, the
assignment of :func:`ssl4dp_mm.models.utils.mask_pooling.downsample_mask_ids`). A bank of size
``n`` keeps ``n`` entries drawn uniformly without replacement (seeded) from all augmented cells;
the banks of a sweep (``1024 x 10^k`` up to what exists) are nested, each holding the smaller ones.

**Retrieval.** Every query cell (unit features of the scored split) finds its ``k`` most
cosine-similar entries (exact search in blocks with :func:`.knn_segmentation.chunked_topk`, on
``device``; or faiss' exact inner-product index when ``search='faiss'`` and faiss is installed),
weights them ``softmax(sim / temperature)`` over the ``k`` (the implementation's cross-attention,
``beta``), and takes the weighted sum of their distributions; the per-cell distributions are
upsampled bilinearly to the label map and arg-maxed (see :mod:`.dense_features`); mIoU as MMSeg's
``IoUMetric``.

Where the open implementation does otherwise (each is a setting here):

- sampling: it keeps ``size // (images x epochs)`` cells of every augmented image, the cells whose
  classes are rare within that image first (``sampling='per_image'`` follows that rule); the
  default here is uniform over all augmented cells (``'uniform'``);
- ignored pixels: it counts them as class 0 (``ignore_as=0``); by default they are left out here
  (the distribution is over the labelled pixels; a cell without any is no entry);
- augmentation: its crop has no flip by default (``flip_prob=0``) and adds colour jitter (not
  done here); its query images are resized to the square crop size, here they are scored as the
  split was extracted;
- scoring: it matches predicted to true classes (Hungarian on IoU, its ``PredsmIoU`` default)
  before the mIoU, which is recorded as ``mIoU_iou_matched``; ``mIoU`` uses no matching.
"""
import dataclasses
import math
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np
import torch

from ..features.labelled_images import LabelledImages
from .dense_features import DenseFeatures, upsample_scores
from .knn_segmentation import as_rows, chunked_topk
from .metrics import confusion_matrix, iou_match, matched_confusion, scores_from_confusion

BANK_BASE = 1024  # the sweep's smallest bank; each next one is 10 x larger
SAMPLINGS = ('uniform', 'per_image')
SEARCHES = ('exact', 'faiss')


def patch_label_distributions(label, size: Tuple[int, int], num_classes: int,
                              ignore_index: int = 255, ignore_as: Optional[int] = None
                              ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Class distribution of the mask pixels of every feature cell.

    Args:
        label (np.ndarray | torch.Tensor): HxW class indices or ``ignore_index``.
        size (tuple[int, int]): Feature grid ``(h, w)``; pixel ``(y, x)`` is in cell
            ``(y * h // H, x * w // W)``.
        num_classes (int): K.
        ignore_index (int): Label of unlabelled pixels. Defaults to 255.
        ignore_as (int, optional): Count unlabelled pixels as this class (the open implementation:
            0). Defaults to None (left out).

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``(h*w) x K`` float32 distributions (rows sum to 1;
        zero for a cell without labelled pixel) and the ``h*w`` labelled-pixel counts.

    Raises:
        ValueError: If a label is neither a class nor ``ignore_index``.
    """
    label = torch.as_tensor(np.asarray(label)).long()
    if ignore_as is not None:
        label = torch.where(label == ignore_index, torch.full_like(label, ignore_as), label)
    keep = label != ignore_index
    bad = keep & ((label < 0) | (label >= num_classes))
    if bad.any():
        raise ValueError(f'label {int(label[bad][0])} is neither a class (< {num_classes}) nor the '
                         f'ignore index {ignore_index}')
    height, width = label.shape
    h, w = size
    rows = torch.arange(height) * h // height  # H
    cols = torch.arange(width) * w // width  # W
    cell = rows[:, None] * w + cols[None, :]  # HxW
    counts = torch.bincount(cell[keep] * num_classes + label[keep],
                            minlength=h * w * num_classes).view(h * w, num_classes).float()
    n = counts.sum(1)  # h*w
    return counts / n.clamp(min=1)[:, None], n.long()


def random_resized_crop_box(rng: np.random.Generator, height: int, width: int,
                            scale: Tuple[float, float] = (0.5, 2.0),
                            ratio: Tuple[float, float] = (3 / 4, 4 / 3)
                            ) -> Tuple[int, int, int, int]:
    """``(top, left, h, w)`` of a random resized crop, by the rule of torchvision's
    ``RandomResizedCrop.get_params`` (ten tries of area ``scale`` x image area and log-uniform
    aspect ``ratio``; then a centre crop of the image clamped to ``ratio``). ``scale`` may exceed
    1 (the open Hummingbird implementation uses (0.5, 2.0): the tries that do not fit fall
    through)."""
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(10):
        target = area * rng.uniform(scale[0], scale[1])
        aspect = math.exp(rng.uniform(*log_ratio))
        w = int(round(math.sqrt(target * aspect)))
        h = int(round(math.sqrt(target / aspect)))
        if 0 < w <= width and 0 < h <= height:
            return int(rng.integers(0, height - h + 1)), int(rng.integers(0, width - w + 1)), h, w
    in_ratio = width / height
    if in_ratio < min(ratio):
        w, h = width, int(round(width / min(ratio)))
    elif in_ratio > max(ratio):
        h, w = height, int(round(height * max(ratio)))
    else:
        h, w = height, width
    return (height - h) // 2, (width - w) // 2, h, w


def augmented_views(images: LabelledImages,
                    crop_size: Tuple[int, int],
                    mask_size: Optional[Tuple[int, int]] = None,
                    epochs: int = 1,
                    scale: Tuple[float, float] = (0.5, 2.0),
                    ratio: Tuple[float, float] = (3 / 4, 4 / 3),
                    flip_prob: float = 0.5,
                    seed: int = 0) -> Iterable[Tuple[np.ndarray, np.ndarray]]:
    """Random resized crops (and flips) of every image, ``epochs`` times over the split.

    The box is drawn on the image file and mapped to the label file by relative position (they
    have the same size in every MMSeg layout); ``images.resize`` is not applied.

    Yields:
        tuple: ``crop_size`` HxWx3 uint8 BGR crop (bilinear) and its ``mask_size`` label crop
        (nearest; defaults to ``crop_size``), epoch by epoch, image by image.
    """
    crop_size = tuple(crop_size)
    mask_size = tuple(mask_size or crop_size)
    rng = np.random.default_rng(seed)
    files = dataclasses.replace(images, resize=None)
    for _ in range(epochs):
        for i in range(len(images)):
            img, label = files.read_image(i), files.read_label(i)
            top, left, h, w = random_resized_crop_box(rng, *img.shape[:2], scale, ratio)
            flip = rng.random() < flip_prob
            fy, fx = label.shape[0] / img.shape[0], label.shape[1] / img.shape[1]
            img = mmcv.imresize(img[top:top + h, left:left + w], crop_size[::-1],
                                interpolation='bilinear')
            ly, lx = int(round(top * fy)), int(round(left * fx))
            lh, lw = max(1, int(round(h * fy))), max(1, int(round(w * fx)))
            label = nearest_resize(label[ly:ly + lh, lx:lx + lw], mask_size)
            if flip:
                img, label = img[:, ::-1], label[:, ::-1]
            yield np.ascontiguousarray(img), np.ascontiguousarray(label)


def nearest_resize(label: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour resize of a label map to ``size`` = (h, w): output pixel ``(y, x)``
    takes input pixel ``(y * H // h, x * W // w)`` (OpenCV's ``INTER_NEAREST`` rule), for any
    integer dtype."""
    rows = np.arange(size[0]) * label.shape[0] // size[0]
    cols = np.arange(size[1]) * label.shape[1] // size[1]
    return label[rows[:, None], cols[None, :]]


def bank_size_sweep(total: int, max_size: Optional[int] = None,
                    base: int = BANK_BASE) -> List[int]:
    """``base x 10^k`` for k = 0, 1, ... up to ``min(total, max_size)``; that bound itself if
    not even ``base`` entries exist. ``max_size`` defaults to None (no bound)."""
    bound = total if max_size is None else min(total, max_size)
    sizes, size = [], base
    while size <= bound:
        sizes.append(size)
        size *= 10
    return sizes or [bound]


@dataclass
class MemoryBank:
    """Entries of a Hummingbird memory bank, kept so that every bank of a sweep is a prefix or a
    rank cut of them.

    Attributes:
        feats (torch.Tensor): NxD float32 unit features (CPU).
        dists (torch.Tensor): NxK float32 class distributions.
        ranks (torch.Tensor): N long: ``'uniform'``: the entry's position in the seeded random
            order of all entries (kept sorted); ``'per_image'``: its rank within its view.
        total (int): Entries of the whole augmented set, before sampling.
        views (int): Augmented images (``#images x epochs``).
        sampling (str): 'uniform' or 'per_image'.
        settings (dict): What moves the numbers (crop and mask size, epochs, ...). Defaults to {}.
    """
    feats: torch.Tensor
    dists: torch.Tensor
    ranks: torch.Tensor
    total: int
    views: int
    sampling: str = 'uniform'
    settings: Dict[str, object] = dataclasses.field(default_factory=dict)

    def take(self, size: int) -> Tuple[torch.Tensor, torch.Tensor]:
        """Features and distributions of the bank of ``size`` entries (``'per_image'``:
        ``size // views`` per augmented image).

        Raises:
            ValueError: If more entries are asked for than were kept.
        """
        if self.sampling == 'uniform':
            if size > len(self.feats):
                raise ValueError(f'a bank of {size} entries was asked for; {len(self.feats)} were '
                                 f'kept (of {self.total}): raise max_size')
            return self.feats[:size], self.dists[:size]
        per_view = size // self.views
        if per_view < 1 or per_view > int(self.ranks.max()) + 1:
            raise ValueError(f'per-image sampling of {size} entries over {self.views} views is '
                             f'{per_view} per view; {int(self.ranks.max()) + 1} were kept')
        keep = self.ranks < per_view
        return self.feats[keep], self.dists[keep]

    def sizes(self, max_size: Optional[int] = None) -> List[int]:
        """The sweep ``1024 x 10^k`` this bank can serve (see :func:`bank_size_sweep`)."""
        kept = len(self.feats)
        sizes = bank_size_sweep(min(kept, self.total), max_size)
        if self.sampling == 'per_image':
            sizes = [s for s in sizes if s >= self.views] or [kept]
        return sizes


class _BankBuilder:
    """Streams entries in and keeps what the largest bank needs: for ``'uniform'`` the
    ``capacity`` entries of smallest seeded key (a uniform sample of every entry seen), for
    ``'per_image'`` the ``capacity // views`` best-ranked cells of each view."""

    def __init__(self, capacity: int, views: int, sampling: str, seed: int) -> None:
        if sampling not in SAMPLINGS:
            raise ValueError(f'sampling must be one of {SAMPLINGS}, got {sampling!r}')
        self.capacity, self.views, self.sampling = capacity, views, sampling
        self.per_view = max(1, capacity // views)
        self.gen = torch.Generator().manual_seed(seed)
        self.parts: List[Tuple[torch.Tensor, ...]] = []
        self.held = 0
        self.total = 0

    def add(self, feats: torch.Tensor, dists: torch.Tensor, counts: torch.Tensor) -> None:
        """One view: ``(h*w) x D`` features, ``(h*w) x K`` distributions, ``h*w`` counts."""
        keep = counts > 0
        feats, dists = feats[keep], dists[keep]
        self.total += len(feats)
        keys = torch.rand(len(feats), generator=self.gen, dtype=torch.float64)  # n
        if self.sampling == 'per_image':
            # the open implementation's rule: a cell scores the summed frequencies (cells of this
            # view holding the class) of its classes, times a uniform draw; lowest first
            present = (dists > 0).double()  # nxK
            keys = (present @ present.sum(0)) * keys
            order = keys.argsort()[:self.per_view]
            ranks = torch.arange(len(order))
            self.parts.append((feats[order].cpu(), dists[order].cpu(), ranks))
            return
        self.parts.append((feats.cpu(), dists.cpu(), keys))
        self.held += len(feats)
        if self.held > self.capacity + max(self.capacity // 2, 1024):  # bounds the memory held
            self._shrink()

    def _shrink(self) -> None:
        feats, dists, keys = (torch.cat([p[i] for p in self.parts]) for i in (0, 1, 2))
        order = keys.argsort()[:self.capacity]
        self.parts = [(feats[order], dists[order], keys[order])]
        self.held = len(order)

    def bank(self, settings: dict) -> MemoryBank:
        if not self.parts:
            raise ValueError('the memory bank is empty: no crop holds a labelled pixel')
        if self.sampling == 'uniform':
            self._shrink()
            feats, dists, keys = self.parts[0]
            ranks = torch.arange(len(keys))
        else:
            feats, dists, ranks = (torch.cat([p[i] for p in self.parts]) for i in (0, 1, 2))
        return MemoryBank(feats, dists, ranks, self.total, self.views, self.sampling, settings)


def _unit(x: torch.Tensor) -> torch.Tensor:
    return x / x.norm(dim=1, keepdim=True).clamp(min=1e-12)


def layer_encoder(model, layer: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """``NxHxWx3`` uint8 BGR images -> ``NxCxhxw`` maps of ``layer`` of a
    :class:`~ssl4dp_mm.features.LayerFeatureModel` (normalised as its config does)."""
    device = next(model.parameters()).device
    model.eval()

    def encode(imgs: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return model(model.preprocess(imgs.to(device)), [layer])[layer].float()

    return encode


def build_memory_bank(encode: Callable[[torch.Tensor], torch.Tensor],
                      images: LabelledImages,
                      crop_size: Tuple[int, int],
                      mask_size: Optional[Tuple[int, int]] = None,
                      epochs: int = 1,
                      max_size: int = BANK_BASE * 10**4,
                      sampling: str = 'uniform',
                      scale: Tuple[float, float] = (0.5, 2.0),
                      ratio: Tuple[float, float] = (3 / 4, 4 / 3),
                      flip_prob: float = 0.5,
                      ignore_as: Optional[int] = None,
                      seed: int = 0,
                      batch_size: int = 16,
                      progress: Optional[Callable[[Iterable], Iterable]] = None) -> MemoryBank:
    """Encode augmented crops of the train images and keep the entries of the largest bank.

    Args:
        encode (Callable): ``NxHxWx3`` uint8 BGR tensor -> ``NxDxhxw`` feature maps (e.g.
            :func:`layer_encoder`).
        images (LabelledImages): The train split.
        crop_size (tuple[int, int]): (h, w) every crop is resized to (what the model sees).
        mask_size (tuple[int, int], optional): (h, w) the label crop is resized to (nearest)
            before the distributions are counted. Defaults to None (``crop_size``).
        epochs (int): Passes over the split, each with new crops. Defaults to 1.
        max_size (int): Entries kept at most (the largest bank). Defaults to 10240000.
        sampling (str): 'uniform' or 'per_image' (see the module docstring).
            Defaults to 'uniform'.
        scale (tuple[float, float]): Crop area range (x image area). Defaults to (0.5, 2.0).
        ratio (tuple[float, float]): Crop aspect range. Defaults to (3 / 4, 4 / 3).
        flip_prob (float): Horizontal flip probability. Defaults to 0.5.
        ignore_as (int, optional): Count ignored pixels as this class. Defaults to None.
        seed (int): Seed of the crops and of the sample. Defaults to 0.
        batch_size (int): Crops encoded at once. Defaults to 16.
        progress (Callable, optional): Wraps the iteration over crops. Defaults to None.

    Returns:
        MemoryBank: Its ``settings`` name everything above and the feature grid.
    """
    if epochs < 1:
        raise ValueError(f'epochs must be >= 1, got {epochs}')
    mask_size = tuple(mask_size or crop_size)
    views = len(images) * epochs
    builder = _BankBuilder(max_size, views, sampling, seed + 1)
    num_classes = len(images.class_names)
    grid = None

    def flush(imgs: List[np.ndarray], labels: List[np.ndarray]) -> None:
        nonlocal grid
        feats = encode(torch.from_numpy(np.stack(imgs))).float().cpu()  # NxDxhxw
        grid = tuple(feats.shape[2:])
        for feat, label in zip(feats, labels):
            dists, counts = patch_label_distributions(label, grid, num_classes,
                                                      images.ignore_index, ignore_as)
            builder.add(_unit(feat.flatten(1).T), dists, counts)

    stream = augmented_views(images, crop_size, mask_size, epochs, scale, ratio, flip_prob, seed)
    imgs, labels = [], []
    for img, label in (progress or (lambda it: it))(stream):
        imgs.append(img)
        labels.append(label)
        if len(imgs) == batch_size:
            flush(imgs, labels)
            imgs, labels = [], []
    if imgs:
        flush(imgs, labels)
    settings = dict(crop_size=list(crop_size), mask_size=list(mask_size), epochs=epochs,
                    sampling=sampling, crop_scale=list(scale), crop_ratio=list(ratio),
                    flip_prob=flip_prob, ignore_as=ignore_as, bank_seed=seed,
                    feature_grid=list(grid), views=views)
    return builder.bank(settings)


def bank_from_split(split: DenseFeatures, max_size: Optional[int] = None, seed: int = 0,
                    ignore_as: Optional[int] = None) -> MemoryBank:
    """A bank of the cells of an extracted split, without augmentation: every cell with its
    distribution counted on the split's label map (uniform seeded sample of ``max_size``;
    None keeps all, the default)."""
    n = sum(int(np.prod(f.shape[1:])) for f in split.feats)
    builder = _BankBuilder(max_size or n, len(split), 'uniform', seed + 1)
    for feat, label in zip(split.feats, split.labels):
        f = torch.from_numpy(feat).float()
        dists, counts = patch_label_distributions(label, f.shape[1:], split.num_classes,
                                                  split.ignore_index, ignore_as)
        builder.add(_unit(f.flatten(1).T), dists, counts)
    return builder.bank(dict(epochs=0, sampling='uniform', ignore_as=ignore_as, bank_seed=seed,
                             views=len(split)))


def _faiss_topk(query: torch.Tensor, bank: torch.Tensor, k: int, query_chunk: int):
    try:
        import faiss
    except ImportError as err:
        raise ValueError("search='faiss' needs the faiss package (pip install faiss-cpu); the "
                         "default search='exact' needs nothing") from err
    index = faiss.IndexFlatIP(bank.shape[1])  # exact inner product
    index.add(np.ascontiguousarray(bank.cpu().numpy(), dtype=np.float32))
    k = min(k, bank.shape[0])
    for q0 in range(0, query.shape[0], query_chunk):
        q = np.ascontiguousarray(query[q0:q0 + query_chunk].cpu().numpy(), dtype=np.float32)
        sim, idx = index.search(q, k)
        yield q0, torch.from_numpy(sim), torch.from_numpy(idx).long()


def retrieve_distributions(query,
                           bank_feats,
                           bank_dists,
                           k: int = 30,
                           temperature: float = 0.02,
                           query_chunk: int = 2048,
                           bank_chunk: int = 32768,
                           device: Union[str, torch.device] = 'cpu',
                           search: str = 'exact') -> torch.Tensor:
    """Label distribution of every query row: ``sum_j softmax_j(sim_j / temperature) d_j`` over
    its ``k`` most similar bank rows (dot product: pass unit rows for cosine similarity).

    Args:
        query (np.ndarray | torch.Tensor): QxD query rows.
        bank_feats (np.ndarray | torch.Tensor): BxD bank rows.
        bank_dists (np.ndarray | torch.Tensor): BxK their distributions.
        k (int): Neighbours (at most B). Defaults to 30.
        temperature (float): Softmax temperature. Defaults to 0.02.
        query_chunk (int): Queries per block. Defaults to 2048.
        bank_chunk (int): Bank rows per block (exact search). Defaults to 32768.
        device (str | torch.device): Where the exact search runs. Defaults to 'cpu'.
        search (str): 'exact' (blocked matrix products) or 'faiss' (faiss' exact
            ``IndexFlatIP`` on the CPU; needs faiss). Defaults to 'exact'.

    Returns:
        torch.Tensor: QxK float32 distributions (CPU).
    """
    if search not in SEARCHES:
        raise ValueError(f'search must be one of {SEARCHES}, got {search!r}')
    if temperature <= 0:
        raise ValueError(f'temperature must be > 0, got {temperature}')
    dists = as_rows(bank_dists, device)  # BxK
    if search == 'faiss':
        blocks = _faiss_topk(as_rows(query), as_rows(bank_feats), k, query_chunk)
    else:
        blocks = chunked_topk(query, bank_feats, k, query_chunk, bank_chunk, device)
    out = torch.zeros(query.shape[0], dists.shape[1])
    for q0, sim, idx in blocks:
        weight = torch.softmax(sim.to(device) / temperature, dim=1)  # qxk
        out[q0:q0 + len(sim)] = torch.einsum('qk,qkc->qc', weight, dists[idx.to(device)]).cpu()
    return out


def distribution_scores(query: DenseFeatures, cell_dists: torch.Tensor) -> Dict[str, object]:
    """mIoU of per-cell distributions (rows of ``query.cells()`` order), upsampled bilinearly to
    the label maps and arg-maxed; also ``mIoU_iou_matched`` (after the open implementation's
    matching of predicted to true classes, :func:`.metrics.iou_match`)."""
    c = query.num_classes
    conf = np.zeros((c, c), np.int64)
    row = 0
    for feat, label in zip(query.feats, query.labels):
        h, w = feat.shape[1:]
        scores = cell_dists[row:row + h * w].T.reshape(c, h, w)  # KxHfxWf
        row += h * w
        pred = upsample_scores(scores, label.shape).argmax(0).numpy()
        conf += confusion_matrix(pred, label, c, c, query.ignore_index)
    res = scores_from_confusion(conf)
    matched = matched_confusion(conf, iou_match(conf))
    res['mIoU_iou_matched'] = scores_from_confusion(matched)['mIoU']
    return res


def hummingbird_segmentation(bank: MemoryBank,
                             query: DenseFeatures,
                             bank_sizes: Optional[Sequence[int]] = None,
                             k: int = 30,
                             temperature: float = 0.02,
                             query_chunk: int = 2048,
                             bank_chunk: int = 32768,
                             device: Union[str, torch.device] = 'cpu',
                             search: str = 'exact') -> Dict[str, object]:
    """Score ``query`` with every bank of the sweep.

    Args:
        bank (MemoryBank): From :func:`build_memory_bank` (or :func:`bank_from_split`).
        query (DenseFeatures): Scored split (the layer the bank was built from).
        bank_sizes (Sequence[int], optional): Banks to score. Defaults to None
            (``1024 x 10^k`` up to what the bank holds).
        k (int): Neighbours. Defaults to 30.
        temperature (float): Softmax temperature. Defaults to 0.02.
        query_chunk (int): See :func:`retrieve_distributions`. Defaults to 2048.
        bank_chunk (int): See :func:`retrieve_distributions`. Defaults to 32768.
        device (str | torch.device): Where the search runs. Defaults to 'cpu'.
        search (str): 'exact' or 'faiss'. Defaults to 'exact'.

    Returns:
        dict: ``mIoU``, ``aAcc``, ``IoU``, ``mIoU_iou_matched`` of the largest bank,
        ``bank_size``, ``sweep`` (those scores per bank size), ``k``, ``temperature``,
        ``search``, ``total_entries`` and the bank's settings.
    """
    if bank.dists.shape[1] != query.num_classes:
        raise ValueError(f'the bank has {bank.dists.shape[1]} classes, the query split '
                         f'{query.num_classes}')
    if bank.feats.shape[1] != query.dim:
        raise ValueError(f'the bank has {bank.feats.shape[1]} channels, the query split '
                         f'{query.dim}: build them from the same layer')
    sizes = sorted(bank_sizes) if bank_sizes else bank.sizes()
    qx, _, _ = query.cells()
    sweep = []
    for size in sizes:
        feats, dists = bank.take(size)
        cell_dists = retrieve_distributions(qx, feats, dists, k, temperature, query_chunk,
                                            bank_chunk, device, search)
        sweep.append(dict(bank_size=int(len(feats)), **distribution_scores(query, cell_dists)))
    return dict({key: sweep[-1][key] for key in ('mIoU', 'aAcc', 'IoU', 'mIoU_iou_matched',
                                                 'bank_size')},
                sweep=sweep, k=k, temperature=temperature, search=search,
                total_entries=bank.total, **bank.settings)


def hummingbird_evaluation(model,
                           train: LabelledImages,
                           query: DenseFeatures,
                           layer: str,
                           crop_size: Optional[Tuple[int, int]] = None,
                           mask_size: Optional[Tuple[int, int]] = None,
                           epochs: int = 1,
                           bank_sizes: Optional[Sequence[int]] = None,
                           max_size: int = BANK_BASE * 10**4,
                           k: int = 30,
                           temperature: float = 0.02,
                           sampling: str = 'uniform',
                           flip_prob: float = 0.5,
                           ignore_as: Optional[int] = None,
                           seed: int = 0,
                           search: str = 'exact',
                           device: Union[str, torch.device] = 'cpu',
                           progress: Optional[Callable[[Iterable], Iterable]] = None
                           ) -> Dict[str, object]:
    """The whole protocol for one layer of a frozen model: bank of augmented train crops, then
    retrieval for the query split (extracted from the same layer).

    Args:
        model (LayerFeatureModel): The frozen model (on ``device``).
        train (LabelledImages): Train split (the bank's images).
        query (DenseFeatures): Scored split.
        layer (str): The layer (as :func:`.dense_features.resolve_layer` names it).
        crop_size (tuple[int, int], optional): (h, w) of the crops. Defaults to None (the first
            train image's size).
        mask_size (tuple[int, int], optional): See :func:`build_memory_bank`. Defaults to None.
        epochs (int): Augmentation epochs. Defaults to 1.
        bank_sizes (Sequence[int], optional): Banks to score. Defaults to None (the sweep).
        max_size (int): Entries kept at most. Defaults to 10240000.
        k (int): Neighbours. Defaults to 30.
        temperature (float): Softmax temperature. Defaults to 0.02.
        sampling (str): 'uniform' or 'per_image'. Defaults to 'uniform'.
        flip_prob (float): Crop flip probability. Defaults to 0.5.
        ignore_as (int, optional): Count ignored pixels as this class. Defaults to None.
        seed (int): Seed of the crops and of the bank sample. Defaults to 0.
        search (str): 'exact' or 'faiss'. Defaults to 'exact'.
        device (str | torch.device): Where the search runs. Defaults to 'cpu'.
        progress (Callable, optional): Wraps the iteration over crops. Defaults to None.

    Returns:
        dict: See :func:`hummingbird_segmentation`.
    """
    if tuple(train.class_names) != tuple(query.class_names):
        raise ValueError('train and query splits have different classes')
    if crop_size is None:
        crop_size = tuple(dataclasses.replace(train, resize=None).read_image(0).shape[:2])
    if bank_sizes:
        max_size = max(bank_sizes)
    bank = build_memory_bank(layer_encoder(model, layer), train, tuple(crop_size), mask_size,
                             epochs, max_size, sampling, flip_prob=flip_prob, ignore_as=ignore_as,
                             seed=seed, progress=progress)
    return hummingbird_segmentation(bank, query, bank_sizes, k, temperature, device=device,
                                    search=search)
