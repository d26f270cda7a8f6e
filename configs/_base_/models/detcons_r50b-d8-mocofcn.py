# DetCon-S w/dec (MoCoFCN) at the reference scale, on the plain-stem ResNet-50 of r50b-d8.py.
# Projector as DetCon's MLP at the paper's width (hidden 4096, output 256; Henaff et al. 2021),
# temperature 0.1: the paper's. No queue.
_base_ = ['./r50b-d8.py', './methods/detcons.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}}, neck=dict(hid_channels=4096, out_channels=256))
