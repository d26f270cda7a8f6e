# Dilated ResNet-18 with the plain stem (torchvision / MoCo / DenseCL checkpoints) at output stride
# 16.
_base_ = './r18-d16.py'
backbone = dict(type='mmseg.ResNet')
