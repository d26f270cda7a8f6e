# MMSeg's DeepLabv3+ segmentation model, without its ImageNet checkpoint and auxiliary head: see
# fcn.py.
_base_ = 'mmseg::_base_/models/deeplabv3plus_r50-d8.py'
model = dict(pretrained=None, auxiliary_head=None)
