# MoCo (v2) w/o dec on ViT-Tiny/16, the image-level reference of the ViT configs: the patch tokens
# averaged into one vector (the class token is not used, so every method reads the same map), 128
# px views, AdamW.
_base_ = [
    '../../_base_/models/mocodec_r18-d8-mocofcn.py',
    '../../_base_/models/vit-t16.py',
    '../../_base_/datasets/toy_scenes_selfsup-128px.py',
    '../../_base_/schedules/selfsup_adamw_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(
    backbone={{_base_.vit_backbone}},
    decoder=None,
    neck=dict(in_channels=_base_.vit_embed_dims, hid_channels=_base_.vit_embed_dims))
