# FT-100% on VOC 2012 aug with paramwise learning rates: the pre-trained encoder (backbone) learns
# at 1/100 of the base lr, the decoder and classifier at the base lr. MMEngine matches custom_keys
# as substrings of parameter names, longest key first; add 'decode_head': dict(lr_mult=0.01)
# together with 'decode_head.conv_seg': dict(lr_mult=1.0) to slow down a pre-trained decoder as
# well.
_base_ = './deeplabv3_r18-d8_ft100-30k_voc12aug.py'
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.01)}))
