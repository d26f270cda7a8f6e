# Dilated ResNet-50 with the plain stem (MMSeg's mmseg.ResNet, one 7x7 conv stem), output stride 8,
# with the ResNet-50 decoders of r50-d8.py (PSP/ASPP/NL/DeepLabv3+ 512 channels as MMSeg's ResNet-50
# configs, the DeepLabv3+ skip 256 -> 48, MoCoFCN 256 as SlotCon's, PSPNet-256 256). The backbone of
# the reference scale: MoCo v2, MMSelfSup and torchvision checkpoints are plain-stem ResNet-50s, so
# the reference configs continue from them key for key (the deep-stem ResNetV1c would keep a random
# stem). The <method>_r50b-d8-mocofcn.py model bases combine it with a method of methods/.
_base_ = './r50-d8.py'
backbone = dict(type='mmseg.ResNet')
