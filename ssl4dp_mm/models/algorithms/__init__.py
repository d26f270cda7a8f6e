from .detcon import DetConB, DetConS
from .encoder_decoder_base import EncoderDecoderSSL
from .exemplar_v2 import ExemplarV2
from .moco_dec import MoCoDec
from .moco_multicrop import MoCoMultiCrop
from .momentum_queue_base import MomentumQueueSSL
from .p2vec import P2Vec
from .patch_rotation_pred import PatchRotationPred
from .plmoco import PLMoCo
from .plmoco_plus import PLMoCoPlus
from .plsiam import PLSiam
from .prcl import PRCL
from .rlmoco import RLMoCo

__all__ = [
    'DetConB', 'DetConS', 'EncoderDecoderSSL', 'ExemplarV2', 'MoCoDec', 'MoCoMultiCrop',
    'MomentumQueueSSL', 'P2Vec', 'PatchRotationPred', 'PLMoCo', 'PLMoCoPlus', 'PLSiam', 'PRCL',
    'RLMoCo'
]
