# MoCoFCN segmentation model on the dilated ResNet-18 (deep stem, matching our pre-training).
# Leaf configs set decode_head.num_classes for their dataset.
_base_ = ['mmseg::_base_/models/fcn_r50-d8.py', './r18-d8.py']
model = dict(
    pretrained=None,  # the base names an ImageNet checkpoint; load ours with load_from instead
    backbone={{_base_.backbone}},
    decode_head={{_base_.mocofcn_decoder}},
    auxiliary_head=None)
