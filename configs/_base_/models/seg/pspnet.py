# MMSeg's PSPNet segmentation model without its ImageNet checkpoint and auxiliary head (see fcn.py).
_base_ = 'mmseg::_base_/models/pspnet_r50-d8.py'
model = dict(pretrained=None, auxiliary_head=None)
