# PLSiam w/dec (MoCoFCN) at the reference scale, on the plain-stem ResNet-50 of r50b-d8.py:
# patch-level SimSiam (no momentum encoder, no queue, as SimSiam; Chen & He 2021). Projector 256 ->
# 256 -> 128 and predictor bottleneck 32 (a quarter of SimSiam's ratio 512/2048 would be 32 for
# 128): ours, as methods/plsiam.py.
_base_ = ['./r50b-d8.py', './methods/plsiam.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}})
