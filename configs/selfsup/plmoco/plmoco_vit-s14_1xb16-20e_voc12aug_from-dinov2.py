# "DINOv2 + PLMoCo" w/o dec on DINOv2's ViT-S/14 (timm vit_small_patch14_dinov2 through
# TimmDenseBackbone): the patch tokens themselves are the cells (384 channels, 16 x 16 at the 224 px
# views), continued from DINOv2's released backbone (checkpoints/dinov2_vits14_pretrain.pth) on
# PASCAL VOC 2012 aug (the 10,582 train_aug images, labels unused). Method settings of the
# ResNet-50 reference row (_base_/models/plmoco_r50b-d8-mocofcn.py), views of
# _base_/datasets/voc12aug_selfsup.py, AdamW, 20 epochs, loaded parameters ramped
# (_base_/schedules/selfsup_adamw_cos_20e_from-timm.py). As plmoco_vit-s16_1xb16-20e_voc12aug_from-
# dino.py, with DINOv2 for DINO.
_base_ = [
    '../../_base_/models/plmoco_r50b-d8-mocofcn.py',
    '../../_base_/models/timm_vit-s14-dinov2.py',
    '../../_base_/datasets/voc12aug_selfsup.py',
    '../../_base_/schedules/selfsup_adamw_cos_20e_from-timm.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(
    backbone={{_base_.timm_backbone}},
    decoder=None,
    neck=dict(in_channels={{_base_.timm_embed_dims}}))
