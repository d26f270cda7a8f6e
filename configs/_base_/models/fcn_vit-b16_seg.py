# FCN segmentation model on ViT-B/16 (vit-b16.py): the FCN decoder of the ViT pre-training configs
# (two 3x3 convs on the last-layer token map, stride 16) plus conv_seg, so a pre-trained decoder
# converts key for key. Leaf configs set decode_head.num_classes for their dataset.
_base_ = ['mmseg::_base_/models/fcn_r50-d8.py', './vit-b16.py']
model = dict(
    pretrained=None,  # load ours with load_from instead
    backbone={{_base_.vit_backbone}},
    decode_head={{_base_.vit_fcn_decoder}},
    auxiliary_head=None)
