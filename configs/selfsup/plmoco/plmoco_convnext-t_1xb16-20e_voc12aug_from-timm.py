# "ConvNeXt + PLMoCo" w/o dec on ConvNeXt-T (timm convnext_tiny through TimmDenseBackbone): the last
# stage's map after ConvNeXt's final norm is the cell map (768 channels, 7 x 7 at the 224 px views),
# continued from a local ConvNeXt-T checkpoint (checkpoints/convnext_tiny.pth: a timm state dict,
# e.g. of convnext_tiny.dinov3_lvd1689m or convnext_tiny.fb_in22k, or facebookresearch's / DINOv3's
# own ConvNeXt-T file) on PASCAL VOC 2012 aug; otherwise as
# plmoco_vit-s14_1xb16-20e_voc12aug_from-dinov2.py.
_base_ = [
    '../../_base_/models/plmoco_r50b-d8-mocofcn.py',
    '../../_base_/models/timm_convnext-t.py',
    '../../_base_/datasets/voc12aug_selfsup.py',
    '../../_base_/schedules/selfsup_adamw_cos_20e_from-timm.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(
    backbone={{_base_.timm_backbone}},
    decoder=None,
    neck=dict(in_channels={{_base_.timm_embed_dims}}))
optim_wrapper = dict(paramwise_cfg=dict(init_checkpoint='checkpoints/convnext_tiny.pth'))
