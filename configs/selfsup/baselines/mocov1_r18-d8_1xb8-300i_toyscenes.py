# MMSelfSup's own MoCo v1 (He et al. 2020, https://arxiv.org/abs/1911.05722): linear projector,
# temperature 0.07; queue, momentum, backbone, views and schedule as our toy MoCo configs.
_base_ = [
    '../../_base_/models/r18-d8_last-stage.py',
    '../../_base_/datasets/toy_scenes_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
model = dict(
    type='mmselfsup.MoCo',
    queue_len=4096,
    feat_dim=128,
    momentum=0.99,
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    neck=dict(type='LinearNeck', in_channels=512, out_channels=128, with_avg_pool=True),
    head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'), temperature=0.07))
