# MMSelfSup's own DenseCL (Wang et al. 2021, https://arxiv.org/abs/2011.09157) on the last map of
# the dilated ResNet-18. Its loss_lambda warm-up lives in DenseCLHook, which MMSelfSup's own config
# never registers: leaves add dict(type='DenseCLHook', start_iters=...) scaled to their data.
_base_ = './r18-d8_last-stage.py'
model = dict(
    type='mmselfsup.DenseCL',
    queue_len=4096,
    feat_dim=128,
    momentum=0.99,
    loss_lambda=0.5,
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    neck=dict(
        type='DenseCLNeck', in_channels=512, hid_channels=512, out_channels=128, num_grid=None),
    head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'), temperature=0.2))
find_unused_parameters = True
