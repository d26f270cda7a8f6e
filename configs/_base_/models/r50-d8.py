# Dilated ResNet-50 (deep stem, ResNetV1c), output stride 8, with the decoders sized as in MMSeg's
# ResNet-50 configs (PSP/ASPP/NL/DeepLabv3+ 512 channels, the DeepLabv3+ skip 256 -> 48); MoCoFCN
# keeps 256 channels (SlotCon's head), PSPNet-256 its 256.
_base_ = './r18-d8.py'
backbone = dict(depth=50)
mocofcn_decoder = dict(in_channels=2048)
psp_decoder = dict(in_channels=2048, channels=512)
aspp_decoder = dict(in_channels=2048, channels=512)
dlv3p_decoder = dict(in_channels=2048, channels=512, c1_in_channels=256, c1_channels=48)
nl_decoder = dict(in_channels=2048, channels=512)
psp256_decoder = dict(in_channels=2048)
decoder_channels = dict(psp=512, aspp=512, dlv3p=512, nl=512)
