# DeepLabv3+ (DepthwiseSeparableASPPHead: separable ASPP on stage 4, a 1x1-projected skip from stage
# 1, two separable 3x3 fuse convs) on the r50b-d8 backbone of ./r50b-d8.py. The decoder is the very
# dict that pre-training configs use (`dlv3p_decoder`), so a pre-trained decoder loads key for key.
# Leaf configs set decode_head.num_classes for their dataset.
_base_ = ['mmseg::_base_/models/deeplabv3plus_r50-d8.py', './r50b-d8.py']
model = dict(
    pretrained=None,  # the base names an ImageNet checkpoint; load ours with load_from instead
    backbone={{_base_.backbone}},
    decode_head={{_base_.dlv3p_decoder}},
    auxiliary_head=None)
