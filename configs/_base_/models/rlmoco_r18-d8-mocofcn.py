# RLMoCo w/dec: region-level MoCo on the MoCoFCN decoder's output.
_base_ = './r18-d8.py'
model = dict(
    type='RLMoCo',
    queue_len=4096,
    feat_dim=128,
    momentum=0.99,
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    decoder={{_base_.mocofcn_decoder}},
    neck=dict(
        type='MoCoV2Neck', in_channels=256, hid_channels=256, out_channels=128,
        with_avg_pool=False),
    head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'), temperature=0.2))
