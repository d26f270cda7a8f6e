# Non-local (NLHead: conv, embedded-Gaussian non-local block, conv, fuse conv over the input) on the
# r50b-d16 backbone of ./r50b-d16.py. The decoder is the very dict that pre-training configs use
# (`nl_decoder`), so a pre-trained decoder loads key for key. (An r*-d8 checkpoint too: output
# stride 16 changes strides and dilations, not shapes.) Leaf configs set decode_head.num_classes for
# their dataset.
_base_ = ['mmseg::_base_/models/nonlocal_r50-d8.py', './r50b-d16.py']
model = dict(
    pretrained=None,  # the base names an ImageNet checkpoint; load ours with load_from instead
    backbone={{_base_.backbone}},
    decode_head={{_base_.nl_decoder}},
    auxiliary_head=None)
