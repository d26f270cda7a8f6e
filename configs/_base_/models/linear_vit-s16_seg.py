# Linear segmentation model on ViT-S/16 (vit-s16.py): a 1x1 conv_seg straight on the last-layer
# patch tokens, its logits upsampled to the labels: the frozen-token linear probe of Leopart /
# NeCo (with FrozenEncoderDecoder). A checkpoint without a decoder converts into it (backbone
# only; conv_seg is the only new layer). Leaf configs set decode_head.num_classes for their
# dataset.
_base_ = ['mmseg::_base_/models/fcn_r50-d8.py', './vit-s16.py']
model = dict(
    pretrained=None,  # load ours with load_from instead
    backbone={{_base_.vit_backbone}},
    decode_head={{_base_.vit_linear_head}},
    auxiliary_head=None)
