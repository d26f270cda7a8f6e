# RLMoCo w/dec (MoCoFCN) at the reference scale, on the plain-stem ResNet-50 of r50b-d8.py:
# region-level MoCo. Region queue 65,536 and momentum 0.999: MoCo v2's values (our choice for a
# region queue); temperature 0.2: MoCo v2's.
_base_ = ['./r50b-d8.py', './methods/rlmoco.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}}, queue_len=65536, momentum=0.999)
