# FT-100% on the toy scenes with paramwise learning rates: backbone and pre-trained decoder at 1/100
# of the base lr, the new classifier (conv_seg) at the base lr. MMEngine matches custom_keys as
# substrings of parameter names, longest key first, so 'decode_head.conv_seg' wins over
# 'decode_head'.
_base_ = './mocofcn_r18-d8_ft100-300i_toyscenes.py'
optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={
            'backbone': dict(lr_mult=0.01),
            'decode_head': dict(lr_mult=0.01),
            'decode_head.conv_seg': dict(lr_mult=1.0),
        }))
