# "ConvNeXt + DetCon-S" w/o dec on ConvNeXt-T (timm convnext_tiny through TimmDenseBackbone): the
# last stage's map after ConvNeXt's final norm is pooled inside the masks (768 channels, 7 x 7 at
# the 224 px views, DetCon's own ResNet-50 grid; region ids sampled among the masks present at
# stride 32: _base_/datasets/voc12aug_selfsup.py), continued from a local ConvNeXt-T checkpoint
# (checkpoints/convnext_tiny.pth: timm's, facebookresearch's or DINOv3's layout) on PASCAL VOC 2012
# aug; otherwise as detcons_vit-s14_1xb16-20e_voc12aug_from-dinov2.py.
_base_ = [
    '../../_base_/models/detcons_r50b-d8-mocofcn.py',
    '../../_base_/models/timm_convnext-t.py',
    '../../_base_/datasets/voc12aug_selfsup.py',
    '../../_base_/datasets/pieces/masks.py',
    '../../_base_/schedules/selfsup_adamw_cos_20e_from-timm.py',
    '../../_base_/selfsup_runtime.py',
]
feat_stride = 32
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
optim_wrapper = dict(paramwise_cfg=dict(init_checkpoint='checkpoints/convnext_tiny.pth'))
