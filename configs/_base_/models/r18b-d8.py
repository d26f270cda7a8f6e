# Dilated ResNet-18 with the *plain* stem (one 7x7 conv: conv1/bn1), as in torchvision, MoCo and
# DenseCL checkpoints: MMSeg's ``ResNet`` (its ``r18b`` configs). A plain-stem checkpoint loaded
# into the deep-stem ResNetV1c keeps a random stem; tools/convert_checkpoint.py refuses that
# pairing.
_base_ = './r18-d8.py'
backbone = dict(type='mmseg.ResNet')
