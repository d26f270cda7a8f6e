# PLR (patch-level rotation prediction) w/dec (MoCoFCN) at the reference scale: a 1x1-conv 4-way
# classifier on the decoder output, per-pixel cross-entropy (image-level rotation prediction,
# Gidaris et al. 2018, made dense: ours, as the ResNet-18 base). No momentum encoder, no queue.
# Widened to the plain-stem dilated ResNet-50 of r50b-d8.py (MMSeg's mmseg.ResNet, one 7x7 conv
# stem: MoCo v2, MMSelfSup and torchvision checkpoints are plain-stem ResNet-50s, so the reference
# configs continue from them key for key; the deep-stem ResNetV1c would keep a random stem) with
# its decoders (PSP/ASPP/NL/DeepLabv3+ 512 channels as MMSeg's ResNet-50 configs, the
# DeepLabv3+ skip 256 -> 48, MoCoFCN 256 as SlotCon's, PSPNet-256 256).
# mmengine merges these dicts into the ResNet-18 base's.
_base_ = './plr_r18-d8-mocofcn.py'
backbone = dict(type='mmseg.ResNet', depth=50)  # = r50b-d8.py (a test checks)
mocofcn_decoder = dict(in_channels=2048)
psp_decoder = dict(in_channels=2048, channels=512)
aspp_decoder = dict(in_channels=2048, channels=512)
dlv3p_decoder = dict(in_channels=2048, channels=512, c1_in_channels=256, c1_channels=48)
nl_decoder = dict(in_channels=2048, channels=512)
psp256_decoder = dict(in_channels=2048)
decoder_channels = dict(psp=512, aspp=512, dlv3p=512, nl=512)
model = dict(backbone=backbone, decoder=mocofcn_decoder)
