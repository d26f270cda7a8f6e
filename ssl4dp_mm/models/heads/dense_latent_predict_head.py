"""SimSiam's predict-and-compare head, per feature-map cell."""
import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmselfsup.registry import MODELS

from ..utils.amp import in_float32
from ..utils.gather import as_global_mean


@in_float32
def negative_cosine(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``-mean cos(pred_i, target_i)`` over the M rows of two MxC tensors, in float32 under any
    autocast (bfloat16's ~3 digits would round cosines near 1)."""
    return -F.cosine_similarity(pred, target, dim=1).mean()


@MODELS.register_module()
class DenseLatentPredictHead(BaseModule):
    """Predict each matched target cell from an online cell; negative cosine similarity.

    The dense counterpart of MMSelfSup's ``LatentPredictHead`` (SimSiam, BYOL): the predictor (a
    1x1-conv MLP, e.g. ``DenseProjector``) runs on the online map; the target map is detached
    (stop-gradient), gathered at the matched cells and compared by cosine similarity. The loss is
    the negative mean over all valid cells of the batch (each matched cell counts once), over every
    process's cells when distributed.

    Args:
        predictor (dict): Config of the predictor (maps ``[NxCxhxw]`` to ``[NxCxhxw]``).
        init_cfg (dict | list[dict], optional): Defaults to None.
    """

    def __init__(self, predictor: dict, init_cfg=None) -> None:
        super().__init__(init_cfg)
        self.predictor = MODELS.build(predictor)

    def forward(self, input: torch.Tensor, target: torch.Tensor, index: torch.Tensor,
                valid: torch.Tensor) -> torch.Tensor:
        """Negative cosine between predicted online cells and their matched target cells.

        Args:
            input (torch.Tensor): NxCxhxw online projections.
            target (torch.Tensor): NxCxh'xw' target projections (no gradient reaches them).
            index (torch.Tensor): Nx(h*w) matched target cell of each online cell.
            valid (torch.Tensor): Nx(h*w) whether the match is kept.

        Returns:
            torch.Tensor: The loss; an exact 0 still attached to the graph if nothing is valid.
        """
        pred = self.predictor([input])[0]  # NxCxhxw
        c = pred.size(1)
        pred = pred.flatten(2).transpose(1, 2)  # NxSxC
        target = target.detach().flatten(2).transpose(1, 2)  # NxS'xC, stop-gradient
        target = torch.gather(target, 1, index[..., None].expand(-1, -1, c))  # NxSxC
        pred, target = pred[valid], target[valid]  # MxC
        count = pred.size(0)
        loss = negative_cosine(pred, target) if count else pred.sum() * 0.
        # the mean over every process's valid cells (each process holds its own number of them)
        return as_global_mean(loss, count)
