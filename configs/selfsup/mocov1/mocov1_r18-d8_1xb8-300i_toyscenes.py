# MMSelfSup's own MoCo v1 (He et al. 2020, https://arxiv.org/abs/1911.05722): MoCo v2's model with a
# linear projector and temperature 0.07; queue, momentum, backbone, views and schedule as our toy
# MoCo configs.
_base_ = [
    '../../_base_/models/mocov2_r18-d8.py',
    '../../_base_/datasets/toy_scenes_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(
    neck=dict(_delete_=True, type='LinearNeck', in_channels=512, out_channels=128,
              with_avg_pool=True),
    head=dict(temperature=0.07))
