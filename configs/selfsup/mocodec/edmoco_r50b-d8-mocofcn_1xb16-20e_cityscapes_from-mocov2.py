# EDMoCo (reference scale): MoCo w/dec (MoCoFCN decoder) with the encoder at 1/100 of the base
# learning rate (the draft report's EDMoCo / PLEDMoCo): MMEngine matches custom_keys as substrings
# of parameter names, so every backbone.* parameter gets lr_mult 0.01; the decoder, projector and
# head keep the base lr. With the continued-pretraining schedule the multiplier scales both curves
# of ContinuedPretrainCosineLR (the loaded backbone ramps 2e-5 -> 2e-4). Otherwise as
# mocodec_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py.
_base_ = './mocodec_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py'
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.01)}))
