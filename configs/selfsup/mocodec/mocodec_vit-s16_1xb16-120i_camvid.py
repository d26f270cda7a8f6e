# MoCo (v2) w/o dec on ViT-S/16 pre-trained on CamVid's training images (the image-level reference
# of the ViT CamVid rows): the patch tokens averaged into one vector, 128 px views, AdamW.
_base_ = [
    '../../_base_/models/mocodec_r18-d8-mocofcn.py',
    '../../_base_/models/vit-s16.py',
    '../../_base_/datasets/camvid_selfsup.py',
    '../../_base_/schedules/selfsup_adamw_cos_camvid-120i.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(
    backbone={{_base_.vit_backbone}},
    decoder=None,
    neck=dict(in_channels=_base_.vit_embed_dims, hid_channels=_base_.vit_embed_dims))
