# RLMoCo w/dec: region-level MoCo on the MoCoFCN decoder's output: MoCo w/dec's projector, queue and
# temperature (mocodec.py) on region features, so the projector does not pool.
_base_ = './mocodec.py'
model = dict(type='RLMoCo', neck=dict(with_avg_pool=False))
