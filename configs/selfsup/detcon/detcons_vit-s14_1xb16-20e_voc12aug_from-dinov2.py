# "DINOv2 + DetCon-S" w/o dec on DINOv2's ViT-S/14 (timm vit_small_patch14_dinov2 through
# TimmDenseBackbone): the patch tokens are pooled inside the masks (384 channels, 16 x 16 at the
# 224 px views; region ids sampled among the masks present at stride 14:
# _base_/datasets/voc12aug_selfsup.py), continued from DINOv2's released backbone
# (checkpoints/dinov2_vits14_pretrain.pth) on PASCAL VOC 2012 aug. Method settings of the ResNet-50
# reference row (_base_/models/detcons_r50b-d8-mocofcn.py), AdamW, 20 epochs, loaded parameters
# ramped (_base_/schedules/selfsup_adamw_cos_20e_from-timm.py).
_base_ = [
    '../../_base_/models/detcons_r50b-d8-mocofcn.py',
    '../../_base_/models/timm_vit-s14-dinov2.py',
    '../../_base_/datasets/voc12aug_selfsup.py',
    '../../_base_/datasets/pieces/masks.py',
    '../../_base_/schedules/selfsup_adamw_cos_20e_from-timm.py',
    '../../_base_/selfsup_runtime.py',
]
feat_stride = 14
train_pipeline = [
    *_base_.load_pipeline,
    _base_.felzenszwalb_masks,
    _base_.two_views,
    dict(_base_.sample_masks, feat_stride=feat_stride),
    _base_.pack_masks,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    backbone={{_base_.timm_backbone}},
    decoder=None,
    neck=dict(in_channels={{_base_.timm_embed_dims}}))
