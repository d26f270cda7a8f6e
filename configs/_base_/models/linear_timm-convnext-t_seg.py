# Linear segmentation model (seg/linear.py) on ConvNeXt-T (timm_convnext-t.py): conv_seg on the
# last stage's normed map (stride 32, 768 channels). A checkpoint of the timm pre-training configs
# converts into it (backbone.model.*; conv_seg is the only new layer); the public ConvNeXt-T itself:
# backbone.checkpoint='checkpoints/convnext_tiny.pth'.
_base_ = ['./seg/linear.py', './timm_convnext-t.py']
model = dict(
    backbone={{_base_.timm_backbone}},
    decode_head=dict(in_channels={{_base_.timm_embed_dims}}, channels={{_base_.timm_embed_dims}}))
