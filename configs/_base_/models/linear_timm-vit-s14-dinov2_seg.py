# Linear segmentation model (seg/linear.py) on DINOv2's ViT-S/14 (timm_vit-s14-dinov2.py): conv_seg
# on the last block's normed patch tokens (stride 14). A checkpoint of the timm pre-training configs
# converts into it (backbone.model.*; conv_seg is the only new layer). DINOv2 itself, the baseline
# row: backbone.checkpoint='checkpoints/dinov2_vits14_pretrain.pth' (loaded by the backbone's
# init_weights; any layout of ssl4dp_mm/checkpoints/timm_layouts.py). The backbone's
# dynamic_img_pad pads inputs that are not a multiple of 14 px (512 px crops: 37 x 37 tokens, the
# last covering 8 px of padding), as MMSeg's own ViT pads to 16.
_base_ = ['./seg/linear.py', './timm_vit-s14-dinov2.py']
model = dict(
    backbone={{_base_.timm_backbone}},
    decode_head=dict(in_channels={{_base_.timm_embed_dims}}, channels={{_base_.timm_embed_dims}}))
