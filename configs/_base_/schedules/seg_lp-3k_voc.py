# LP-100% on VOC 2012 aug (reference): only decode_head.conv_seg learns (leaf:
# FrozenEncoderDecoder); 3k iterations, batch 16, lr 0.03 fixed.
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.03))
train_cfg = dict(max_iters=3000, val_interval=3000)
default_hooks = dict(checkpoint=dict(interval=3000))
