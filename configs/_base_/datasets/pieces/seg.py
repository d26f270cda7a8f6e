# Pieces of the segmentation pipelines, composed by name in the <dataset>_seg.py bases.
_base_ = './loading.py'
check_labels = dict(type='CheckSegLabels')  # values outside the classes raise, naming the file
load_labels = [dict(type='LoadAnnotations'), check_labels]
seg_flip = dict(type='RandomFlip', prob=0.5)
photometric = dict(type='PhotoMetricDistortion')
pack_seg = dict(type='PackSegInputs')
