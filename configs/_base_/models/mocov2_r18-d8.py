# MMSelfSup's own MoCo v2 (Chen et al. 2020, https://arxiv.org/abs/2003.04297) on the dilated
# ResNet-18, like for like with our MoCoDec w/o dec.
_base_ = './r18-d8_last-stage.py'
model = dict(
    type='mmselfsup.MoCo',
    queue_len=4096,
    feat_dim=128,
    momentum=0.99,
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    neck=dict(
        type='MoCoV2Neck', in_channels=512, hid_channels=512, out_channels=128,
        with_avg_pool=True),
    head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'), temperature=0.2))
