"""One paragraph per pre-training config folder: the heading, what the method does, and the docs
page that explains it. ``configs/selfsup/<folder>/README.md`` opens with it."""
from typing import Dict, NamedTuple


class Description(NamedTuple):
    """What a method README says before its configs and results.

    Args:
        title (str): the page heading.
        text (str): one paragraph on the method.
        doc (str): the docs page (relative to the repository root) with the details.
    """

    title: str
    text: str
    doc: str


DESCRIPTIONS: Dict[str, Description] = {
    'mocodec': Description(
        'MoCo w/dec (`MoCoDec`)',
        'Image-level MoCo v2 on the decoder output pooled to one vector (w/dec), or on the '
        "backbone's last map (w/o dec, MoCo v2 with MMSeg's backbone). Pre-training the decoder "
        'that segmentation later uses lets the converted checkpoint load into the MMSeg model key '
        'for key, so the linear probe reads pre-trained decoder features. `edmoco_*` (EDMoCo) is '
        'its lr ablation: MoCo w/dec (MoCoFCN) with '
        '`paramwise_cfg.custom_keys={"backbone": dict(lr_mult=0.01)}`, the backbone at 1/100 of '
        'the base lr, decoder, projector and head at the base lr (`docs/decoders.md`).',
        'docs/methods.md'),
    'plmoco': Description(
        'PLMoCo: patch-level MoCo (`PLMoCo`)',
        'Views remember where they came from: each query cell of one view is matched to the '
        'nearest key cell of the other view (pairs farther apart than 0.7 cell diagonals are '
        'dropped). Matched cells are positives; other key cells of the batch (4096 sampled per '
        'step) and a cell queue are negatives; key cells within the positive radius of a query '
        "are left out (`near_positives='exclude'`). The cell-level InfoNCE is computed in chunks, "
        'so memory stays bounded as the batch grows. `*_from-mocov2.py` continue from a MoCo v2 '
        'checkpoint. `pledmoco_*` (PLEDMoCo) is its lr ablation: PLMoCo w/dec (MoCoFCN) with the '
        'backbone at 1/100 of the base lr (`lr_mult=0.01`); decoder, projector and head learn at '
        'the base lr (`docs/decoders.md`).', 'docs/methods.md'),
    'plmocoplus': Description(
        'PLMoCo+: patch-level plus image-level MoCo (`PLMoCoPlus`)',
        'PLMoCo and image-level MoCo in one model: one momentum encoder, two queues, the dense map '
        'of a view computed once and fed to both the dense projector and the pooled image neck; '
        'the two losses are averaged (`patch_weight` / `img_weight`, 0.5 / 0.5).',
        'docs/methods.md'),
    'plsiam': Description(
        'PLSiam: patch-level SimSiam (`PLSiam`)',
        'SimSiam over matched cells: a 1x1-conv predictor on one branch, stop-gradient on the '
        'other, symmetric negative cosine; no negatives and no momentum encoder.',
        'docs/methods.md'),
    'prcl': Description(
        'PRCL: patch relations (`PRCL`)',
        'Relational: for matched cells the difference vectors `d_i = k_m(i) - q_i` (of unit-norm '
        'cells; keys from a momentum encoder) must agree within an image; the loss is '
        '`1 - mean cos(d_i, d_j)` over the ordered pairs of one image.', 'docs/methods.md'),
    'p2vec': Description(
        'P2Vec: word2vec for pixels (`P2Vec`)',
        "A location's word (the projected backbone feature of the intact image) is picked among "
        "all words of the batch by its context: the decoder's output at that cell computed from "
        "the image with the cell's pixels masked (InfoNCE). One view per image.",
        'docs/methods.md'),
    'plr': Description(
        'PLR: patch-level rotation (`PatchRotationPred`)',
        'Each 16x16 patch is turned by an independent multiple of 90 degrees (`PatchRotation`) '
        'and the angle is predicted at every pixel by a 1x1-conv 4-way classifier (per-pixel '
        'cross-entropy). The classifier is dropped by the converter.', 'docs/methods.md'),
    'rlmoco': Description(
        'RLMoCo: region-level MoCo (`RLMoCo`)',
        'Regions sharing a superpixel id in both views are positives; other regions and a region '
        'queue are negatives. The masks are computed once per image and move with every crop, '
        'resize and flip of the views.', 'docs/region_level.md'),
    'detcon': Description(
        'DetCon-S and DetCon-B: contrastive detection (`DetConS`, `DetConB`)',
        'Contrastive detection over mask-pooled features (Hénaff et al., 2021): DetCon-S is '
        'SimCLR-style, DetCon-B BYOL-style, temperature 0.1, masks sampled per view (Felzenszwalb '
        'by default; grid and ground-truth variants, `-96px`, `-neg128`, `-1view` and '
        '`-sharedids` ablations). `*_from-dinov2.py` / `*_from-timm.py` post-train a DINOv2 ViT '
        'or a timm ConvNeXt.', 'docs/region_level.md'),
    'exemplar_v2': Description(
        'Exemplar-v2: MoCo v2 without same-label negatives (`ExemplarV2`)',
        'MoCo v2 (w/ or w/o decoder) whose negatives never share the query\'s label: queue '
        'entries with a shared label leave the softmax denominator; labels are kept beside the '
        'queue. It uses image labels, so the label-free CamVid benchmark leaves it out.',
        'docs/image_level.md'),
    'mocomc': Description(
        'MoCo multi-crop: the "revisiting contrastive" additions (`MoCoMultiCrop`)',
        'MoCo v2 with multi-scale constrained crops (small crops inside a large one, '
        '`ConstrainedMultiCrop`), AutoAugment (`MMClsAutoAugment`) and kNN positives '
        '(top-20, weight 0.4).', 'docs/image_level.md'),
    # MMSelfSup's own methods (its classes, nothing copied) on the same dilated ResNet, crops and
    # schedule as the methods of this project, so that their rows compare like for like
    'mocov1': Description(
        "MoCo v1: MMSelfSup's own (`mmselfsup.MoCo`)",
        "MMSelfSup's MoCo v1 (He et al., 2020): MoCo v2's model with a linear projector "
        '(`LinearNeck`), temperature 0.07, queue 4096, momentum 0.99, on the same dilated '
        'ResNet, crops and schedule as the methods of this project.', 'docs/image_level.md'),
    'mocov2': Description(
        "MoCo v2: MMSelfSup's own (`mmselfsup.MoCo`)",
        "MMSelfSup's MoCo v2 (Chen et al., 2020; `MoCoV2Neck`, temperature 0.2) on the same "
        'dilated ResNet, crops and schedule as the methods of this project, so that its rows '
        'compare like for like with MoCo w/o dec (`mocodec_r18-d8_1xb8-300i_toyscenes.py`). The '
        'upstream image-level model of the continued regime is a MoCo v2 too '
        '(`configs/selfsup/upstream/`).', 'docs/image_level.md'),
    'densecl': Description(
        "DenseCL: MMSelfSup's own (`mmselfsup.DenseCL`)",
        "MMSelfSup's DenseCL (Wang et al., 2021) on the same dilated ResNet, crops and schedule "
        "as the methods of this project. The dense loss weight's warm-up lives in MMSelfSup's "
        '`DenseCLHook`, which its own DenseCL config never registers; these configs register it.',
        'docs/image_level.md'),
    'simclr': Description(
        "SimCLR: MMSelfSup's own (`mmselfsup.SimCLR`)",
        "MMSelfSup's SimCLR (Chen et al., 2020): 2-layer projector, temperature 0.1, SGD instead "
        'of LARS, on the same dilated ResNet, crops and schedule as the methods of this project.',
        'docs/image_level.md'),
    'byol': Description(
        "BYOL: MMSelfSup's own (`mmselfsup.BYOL`)",
        "MMSelfSup's BYOL (Grill et al., 2020): projector and predictor of hidden width 1024, "
        '256-d output, target momentum 0.99 rising to 1 (cosine), SGD instead of LARS, on the same '
        'dilated ResNet, crops and schedule as the methods of this project.',
        'docs/image_level.md'),
    'simsiam': Description(
        "SimSiam: MMSelfSup's own (`mmselfsup.SimSiam`)",
        "MMSelfSup's SimSiam (Chen and He, 2021) with the predictor's lr fixed (`paramwise_cfg` "
        '`fix_lr` and `SimSiamHook(adjust_by_epoch=False)`), on the same dilated ResNet, crops '
        'and schedule as the methods of this project.', 'docs/image_level.md'),
}
