from .encoder_decoder_base import EncoderDecoderSSL
from .moco_dec import MoCoDec
from .plmoco import PLMoCo

__all__ = ['EncoderDecoderSSL', 'MoCoDec', 'PLMoCo']
