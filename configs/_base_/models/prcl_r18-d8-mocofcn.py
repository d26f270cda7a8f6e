# PRCL w/dec (MoCoFCN decoder) on the dilated ResNet-18 of r18-d8.py, at the toy scale: the
# method and its values in methods/prcl.py.
_base_ = ['./r18-d8.py', './methods/prcl.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}})
