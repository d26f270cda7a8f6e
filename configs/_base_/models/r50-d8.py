# Dilated ResNet-50 (deep stem, ResNetV1c), output stride 8, with the decoders sized as in MMSeg's
# ResNet-50 configs (PSP/ASPP 512 channels); MoCoFCN keeps 256 channels (SlotCon's head).
_base_ = './r18-d8.py'
backbone = dict(depth=50)
mocofcn_decoder = dict(in_channels=2048)
psp_decoder = dict(in_channels=2048, channels=512)
aspp_decoder = dict(in_channels=2048, channels=512)
decoder_channels = dict(psp=512, aspp=512)
