# MMSeg's FCN segmentation model without its ImageNet checkpoint and auxiliary head. A
# <head>_<backbone>_seg.py model base is one of these models (fcn, pspnet, deeplabv3, deeplabv3plus,
# nonlocal, linear) plus the backbone and a decoder of a backbone base (r18-d8.py, vit-t16.py, ...):
# the very decoder dict that pre-training configs use, so a pre-trained decoder loads key for key.
# Leaf configs set decode_head.num_classes for their dataset.
_base_ = 'mmseg::_base_/models/fcn_r50-d8.py'
model = dict(
    pretrained=None,  # the base names an ImageNet checkpoint; load ours with load_from instead
    auxiliary_head=None)
