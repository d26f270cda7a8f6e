# MoCo w/dec (MoCoFCN) at the reference scale, on the plain-stem ResNet-50 of r50b-d8.py. Queue
# 65,536, momentum 0.999, feature dim 128 and temperature 0.2: MoCo v2's (Chen et al. 2020). The
# w/dec projector (256 -> 256 -> 128 on the pooled decoder output) is ours, as methods/mocodec.py.
_base_ = ['./r50b-d8.py', './methods/mocodec.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}}, queue_len=65536, momentum=0.999)
