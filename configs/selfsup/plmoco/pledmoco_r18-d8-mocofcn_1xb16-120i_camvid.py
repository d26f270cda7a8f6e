# PLEDMoCo (CamVid): PLMoCo w/dec (MoCoFCN decoder) with the encoder at 1/100 of the base learning
# rate (the draft report's EDMoCo / PLEDMoCo): MMEngine matches custom_keys as substrings of
# parameter names, so every backbone.* parameter gets lr_mult 0.01; the decoder, projector and head
# keep the base lr. Otherwise as plmoco_r18-d8-mocofcn_1xb16-120i_camvid.py.
_base_ = './plmoco_r18-d8-mocofcn_1xb16-120i_camvid.py'
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.01)}))
