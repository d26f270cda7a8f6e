# Linear segmentation model on ViT-Tiny/16 (vit-t16.py): a 1x1 conv_seg straight on the last-layer
# patch tokens (`vit_linear_head`), the frozen-token linear probe of Leopart / NeCo. A checkpoint
# without a decoder converts into it (backbone only; conv_seg is the only new layer).
_base_ = ['./seg/fcn.py', './vit-t16.py']
model = dict(backbone={{_base_.vit_backbone}}, decode_head={{_base_.vit_linear_head}})
