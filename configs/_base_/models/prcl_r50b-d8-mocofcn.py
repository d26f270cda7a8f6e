# PRCL w/dec (MoCoFCN) at the reference scale, on the plain-stem ResNet-50 of r50b-d8.py.
# Momentum-encoder momentum 0.999: MoCo v2's (PRCL has no queue); matching threshold 0.7: PixPro's.
_base_ = ['./r50b-d8.py', './methods/prcl.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}}, momentum=0.999)
