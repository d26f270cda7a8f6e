# FCN segmentation model on ViT-S/16 (vit-s16.py): the FCN decoder of the ViT pre-training configs
# (`vit_fcn_decoder`: two 3x3 convs on the last-layer token map, stride 16) plus conv_seg.
_base_ = ['./seg/fcn.py', './vit-s16.py']
model = dict(backbone={{_base_.vit_backbone}}, decode_head={{_base_.vit_fcn_decoder}})
