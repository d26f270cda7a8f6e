# MMSelfSup's own SimCLR (Chen et al. 2020, https://arxiv.org/abs/2002.05709): 2-layer projector
# (widths of the ResNet-50 recipe scaled by 512/2048), temperature 0.1. SGD instead of LARS, to
# share our schedule; negatives are the other images of the batch.
_base_ = [
    '../../_base_/models/r18-d8_last-stage.py',
    '../../_base_/datasets/toy_scenes_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
neck_norm_cfg = dict(type='BN1d')  # on 1-D features; SyncBN (any dim) for multi-GPU runs
model = dict(
    type='mmselfsup.SimCLR',
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    neck=dict(
        type='NonLinearNeck',
        in_channels=512,
        hid_channels=512,
        out_channels=128,
        num_layers=2,
        with_avg_pool=True,
        norm_cfg=neck_norm_cfg),
    head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'), temperature=0.1))
