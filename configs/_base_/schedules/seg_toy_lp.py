# Linear probe (LP-100%), scaled down for the toy scenes: seg_protocol.py at lr 0.1 fixed, 300
# iterations, a log line every 20. Only decode_head.conv_seg learns, every other parameter and
# BatchNorm statistic stays frozen: a leaf config that uses this schedule sets
# model = dict(type='FrozenEncoderDecoder', trainable=['decode_head.conv_seg']).
_base_ = './seg_protocol.py'
optim_wrapper = dict(  # the protocol's SGD without its clip_grad=None (OptimWrapper's default)
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
train_cfg = dict(max_iters=300, val_interval=300)
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=300))
