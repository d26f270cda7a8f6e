# DetCon-B w/dec (MoCoFCN) at the reference scale, on the plain-stem ResNet-50 of r50b-d8.py.
# Projector and predictor at the paper's width (hidden 4096, output 256), target momentum 0.996 -> 1
# (cosine) and temperature 0.1: the paper's (Henaff et al. 2021, following BYOL).
_base_ = ['./r50b-d8.py', './methods/detconb.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}}, base_momentum=0.996,
             neck=dict(hid_channels=4096, out_channels=256),
             predictor=dict(in_channels=256, hid_channels=4096, out_channels=256))
