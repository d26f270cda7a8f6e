# LP-100% (only conv_seg learns; the encoder frozen bit for bit) on DINOv2's ViT-S/14 through
# TimmDenseBackbone, the linear head on the patch tokens; voc12aug. For a DINOv2 / timm post-trained
# checkpoint: tools/convert_checkpoint.py --seg-config <this> then load_from; for DINOv2 itself:
# --cfg-options model.backbone.checkpoint=checkpoints/dinov2_vits14_pretrain.pth
_base_ = ['../../_base_/models/linear_timm-vit-s14-dinov2_seg.py',
          '../../_base_/protocols/lp-3k_voc12aug.py']
model = dict(
    type='FrozenEncoderDecoder', trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=21))
