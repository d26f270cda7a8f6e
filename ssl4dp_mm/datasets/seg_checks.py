"""Checks of an MMSeg dataset's file list when it is built, instead of failures mid-training."""
import os.path as osp
from typing import List

import mmengine.fileio as fileio


class CheckedSegDatasetMixin:
    """Mix into an MMSeg ``BaseSegDataset`` subclass (before it in the bases).

    When the file list is built (``load_data_list``):

    - a missing ``ann_file`` (split list) raises ``FileNotFoundError`` naming it;
    - no images (an empty or wrong folder, an empty split list) raises ``FileNotFoundError``
      naming the folder and suffix (MMSeg itself fails later with ``need at least one array to
      concatenate``);
    - images or label maps that the list names but that do not exist raise ``FileNotFoundError``
      naming the first few (MMSeg would fail at the first batch that reaches one, maybe hours in);
    - every sample gets ``num_classes`` (from ``metainfo['classes']``) for
      :class:`~ssl4dp_mm.datasets.transforms.label_check.CheckSegLabels`.
    """

    def load_data_list(self) -> List[dict]:
        name = type(self).__name__
        if self.ann_file and not osp.isdir(self.ann_file) and not fileio.exists(
                self.ann_file, backend_args=self.backend_args):
            raise FileNotFoundError(f'{name}: ann_file {self.ann_file!r} does not exist')
        data_list = super().load_data_list()
        if not data_list:
            source = (f'ann_file {self.ann_file!r}' if self.ann_file else
                      f"folder {self.data_prefix.get('img_path')!r}")
            raise FileNotFoundError(f'{name}: no images (suffix {self.img_suffix!r}) in {source}')
        missing = [
            info[key] for info in data_list for key in ('img_path', 'seg_map_path')
            if info.get(key) and not fileio.exists(info[key], backend_args=self.backend_args)
        ]
        if missing:
            raise FileNotFoundError(
                f'{name}: {len(missing)} listed image/label files do not exist, e.g. '
                f'{missing[:3]}')
        num_classes = len(self.metainfo['classes'])
        for info in data_list:
            info['num_classes'] = num_classes
        return data_list
