# ADE20K (SceneParsing, Zhou et al. 2017) through MMSeg's own base: 20,210 training and 2,000
# validation images, 150 classes, in the layout of the challenge download
#   data_root/images/{training,validation}/ADE_*.jpg, annotations/{training,validation}/ADE_*.png
# (data_root data/ade/ADEChallengeData2016). MMSeg's ADE20KDataset reads the labels with
# reduce_zero_label=True: 0 ("other") -> 255 (ignored), 1..150 -> 0..149. MMSeg's 512x512 setting:
# images resized within 2048x512 (ratio 0.5-2), 512 px crops (cat_max_ratio 0.75), flip,
# photometric distortion; tests at 2048x512. Label values outside the classes raise naming the
# file (CheckSegLabels, given the 150 classes: ADE20KDataset sets none per sample).
_base_ = ['mmseg::_base_/datasets/ade20k.py', './pieces/seg.py']
check_ade_labels = dict(_base_.check_labels, num_classes=150)
train_pipeline = [
    step for t in _base_.train_pipeline
    for step in ([_base_.load_image] if t['type'] == 'LoadImageFromFile' else
                 [t, check_ade_labels] if t['type'] == 'LoadAnnotations' else [t])
]
test_pipeline = [
    step for t in _base_.test_pipeline
    for step in ([_base_.load_image] if t['type'] == 'LoadImageFromFile' else
                 [t, check_ade_labels] if t['type'] == 'LoadAnnotations' else [t])
]
train_dataloader = dict(_base_.reference_loader, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
# FT-10%'s training set (the FT-10% protocol piece merges it into train_dataloader): a seeded 10%
# label split written under data_root by
#   python tools/make_label_split.py configs/seg/<head>/<head>_r18-d8_ft100-80k_ade20k.py \
#       --fraction 0.1 --seed 0
# (splits/training_10pct_seed0.txt; tools/reproduce.py --seg HEAD ft100 ade20k prints that leaf).
# Validation is unchanged.
label_split_10pct = dict(dataset=dict(ann_file='splits/training_10pct_seed0.txt'))
