# LP-100% on Cityscapes (reference): only decode_head.conv_seg learns (leaf: FrozenEncoderDecoder);
# 9k iterations, batch 16, lr 0.1 fixed.
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.1))
train_cfg = dict(max_iters=9000, val_interval=9000)
default_hooks = dict(checkpoint=dict(interval=9000))
