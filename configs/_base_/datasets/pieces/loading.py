# What every dataset base starts from: our image loader, and the loader settings of the reference
# datasets (VOC 2012 aug, Cityscapes).
load_image = dict(type='LoadImageChecked')  # names the file on failure; 3-channel BGR
# The reference protocols' batch 16 in one process (with N GPUs set train_dataloader.batch_size
# =16/N), loaded as on a GPU: 8 workers per process kept alive between epochs, batches in pinned
# memory (benchmarks/results/loader_throughput_cpu.md: images/s per worker of each method's
# pipeline; MMSeg's own bases load 2-4 images with 2-4 workers).
reference_loader = dict(batch_size=16, num_workers=8, persistent_workers=True, pin_memory=True)
