# LP-100%: only decode_head.conv_seg learns; backbone, decoder and BN statistics stay frozen;
# ADE20K, 8k iterations (a tenth of FT-100%, as on VOC and Cityscapes), batch 16, lr 0.1 fixed (the
# Cityscapes protocol's). Leaf configs add a model base, the classes, the input size and
# model.type='FrozenEncoderDecoder' (mmengine takes the top-level key model from one base only: the
# model base).
_base_ = [
    '../datasets/ade20k_seg.py',
    '../schedules/seg_protocol.py',
    '../seg_runtime.py',
]
optim_wrapper = dict(optimizer=dict(lr=0.1))
train_cfg = dict(max_iters=8000, val_interval=8000)
default_hooks = dict(checkpoint=dict(interval=8000))
