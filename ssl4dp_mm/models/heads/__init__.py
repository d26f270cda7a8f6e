"""Loss heads (registered into MMSelfSup's MODELS)."""
from .dense_cls_head import DenseClsHead  # noqa: F401
from .dense_latent_predict_head import DenseLatentPredictHead  # noqa: F401
from .detcon_head import DetConHead  # noqa: F401
