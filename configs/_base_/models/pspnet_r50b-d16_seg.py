# PSPNet (PSPHead, pyramid pooling) on the r50b-d16 backbone of ./r50b-d16.py. The decoder is the
# very dict that pre-training configs use (`psp_decoder`), so a pre-trained decoder loads key for
# key (an r50b-d8 checkpoint too: output stride 16 changes strides and dilations, not shapes).
# Leaf configs set decode_head.num_classes for their dataset.
_base_ = ['mmseg::_base_/models/pspnet_r50-d8.py', './r50b-d16.py']
model = dict(
    pretrained=None,  # the base names an ImageNet checkpoint; load ours with load_from instead
    backbone={{_base_.backbone}},
    decode_head={{_base_.psp_decoder}},
    auxiliary_head=None)
