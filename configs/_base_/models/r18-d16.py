# Dilated ResNet-18 (deep stem, ResNetV1c) at output stride 16: stage 4 dilated, stage 3 strided.
# The weights have the same shapes as at output stride 8, so an r18-d8 checkpoint loads key for key.
# ASPP's (and DeepLabv3+'s) dilations shrink with the stride, as in DeepLabv3 (6, 12, 18 at
# OS16); MoCoFCN keeps dilation 6 (SlotCon's OS16 head).
_base_ = './r18-d8.py'
backbone = dict(dilations=(1, 1, 1, 2), strides=(1, 2, 2, 1))
aspp_decoder = dict(dilations=(1, 6, 12, 18))
dlv3p_decoder = dict(dilations=(1, 6, 12, 18))
