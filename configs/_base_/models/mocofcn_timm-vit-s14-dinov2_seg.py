# MoCoFCN segmentation model on DINOv2's ViT-S/14 (timm_vit-s14-dinov2.py: the last
# block's normed patch tokens, stride 14): seg/fcn.py with the FCN decoder of
# the timm w/dec rows (fcn_decoder.py), so their pre-trained decoder converts key for key.
# Composed leaves: tools/reproduce.py --seg mocofcn <protocol> <dataset> --backbone
# timm-vit-s14-dinov2; FT-10% / FT-100% fine-tune with AdamW and the base's timm_layer_decay.
_base_ = ['./seg/fcn.py', './timm_vit-s14-dinov2.py', './fcn_decoder.py']
model = dict(
    backbone={{_base_.timm_backbone}},
    decode_head=dict(_base_.fcn_decoder, in_channels=_base_.timm_embed_dims))
