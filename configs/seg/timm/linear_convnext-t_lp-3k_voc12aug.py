# LP-100% (only conv_seg learns; the encoder frozen bit for bit) on ConvNeXt-T through
# TimmDenseBackbone, the linear head on the last stage's map (stride 32); voc12aug. For a
# post-trained checkpoint: tools/convert_checkpoint.py --seg-config <this> then load_from; for the
# public ConvNeXt-T itself: --cfg-options model.backbone.checkpoint=checkpoints/convnext_tiny.pth
_base_ = ['../../_base_/models/linear_timm-convnext-t_seg.py',
          '../../_base_/protocols/lp-3k_voc12aug.py']
model = dict(
    type='FrozenEncoderDecoder', trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=21))
