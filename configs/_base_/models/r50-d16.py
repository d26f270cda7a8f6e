# Dilated ResNet-50 (deep stem) at output stride 16; see r18-d16.py.
_base_ = './r50-d8.py'
backbone = dict(dilations=(1, 1, 1, 2), strides=(1, 2, 2, 1))
aspp_decoder = dict(dilations=(1, 6, 12, 18))
dlv3p_decoder = dict(dilations=(1, 6, 12, 18))
