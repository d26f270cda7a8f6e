"""Several views of one image that keep their ``coord_box`` and moved masks."""
import copy
from typing import List, Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform, Compose
from mmselfsup.registry import TRANSFORMS


@TRANSFORMS.register_module()
class MultiViewWithCoord(BaseTransform):
    """Like MMSelfSup's ``MultiView``, but every view keeps where it came from.

    MMSelfSup's ``MultiView`` returns only ``img`` per view, so coordinates and masks computed
    before the views silently fall out of line. This wrapper runs each view pipeline on a deep copy
    of the results and collects, per view, ``img``, ``coord_box`` (see :mod:`.coord_box`) and every
    key in ``seg_fields``.

    Output keys: ``img`` (list of HxWxC arrays), ``coord_box`` (Vx4 float array), one list per
    ``seg_fields`` key.

    Args:
        transforms (list[list[dict]]): One pipeline per group of views.
        num_views (int | list[int]): Number of views per pipeline.
    """

    def __init__(self, transforms: List[list], num_views: Union[int, Sequence[int]]) -> None:
        num_views = [num_views] if isinstance(num_views, int) else list(num_views)
        assert len(num_views) == len(transforms), 'one num_views entry per pipeline'
        self.num_views = num_views
        # built from MMSelfSup's registry (not the root one) so it also works outside a Runner
        self.pipelines = [
            Compose([TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline])
            for pipeline in transforms
        ]
        self.view_pipelines = [p for p, n in zip(self.pipelines, num_views) for _ in range(n)]

    def transform(self, results: dict) -> dict:
        seg_fields = list(results.get('seg_fields', []))
        views = [pipeline(copy.deepcopy(results)) for pipeline in self.view_pipelines]
        for view in views:
            if 'coord_box' not in view:
                raise KeyError('a view pipeline of MultiViewWithCoord must contain a transform '
                               'that sets coord_box (e.g. RandomResizedCropWithCoord)')
        results['img'] = [v['img'] for v in views]
        results['coord_box'] = np.stack([v['coord_box'] for v in views]).astype(np.float32)
        for key in seg_fields:
            results[key] = [v[key] for v in views]
        results['img_shape'] = [v['img'].shape[:2] for v in views]
        return results

    def __repr__(self) -> str:
        groups = ', '.join(f'{n} x {p}' for n, p in zip(self.num_views, self.pipelines))
        return f'{self.__class__.__name__}({groups})'
