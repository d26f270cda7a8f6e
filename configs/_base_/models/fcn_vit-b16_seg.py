# FCN segmentation model on ViT-B/16 (vit-b16.py): the FCN decoder of the ViT pre-training configs
# (`vit_fcn_decoder`: two 3x3 convs on the last-layer token map, stride 16) plus conv_seg.
_base_ = ['./seg/fcn.py', './vit-b16.py']
model = dict(backbone={{_base_.vit_backbone}}, decode_head={{_base_.vit_fcn_decoder}})
