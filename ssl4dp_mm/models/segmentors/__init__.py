from .frozen_encoder_decoder import FrozenEncoderDecoder

__all__ = ['FrozenEncoderDecoder']
