# MoCoFCN (FCNHead: 2 convs, dilation 6, 256 channels, no input concat) on the r18-d8 backbone of
# r18-d8.py: seg/fcn.py with `mocofcn_decoder`.
_base_ = ['./seg/fcn.py', './r18-d8.py']
model = dict(backbone={{_base_.backbone}}, decode_head={{_base_.mocofcn_decoder}})
