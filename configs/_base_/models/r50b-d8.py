# Dilated ResNet-50 with the plain stem (torchvision / MoCo v2 / DenseCL checkpoints), output stride
# 8.
_base_ = './r50-d8.py'
backbone = dict(type='mmseg.ResNet')
