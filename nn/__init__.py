"""nn: modules, layers, losses, initialisers, data, a Keras-style training loop and checkpoints.

Names follow PyTorch (``nn.Linear``, ``nn.functional.cross_entropy``, ``state_dict``); the
course notes' Keras workflow is offered too (``nn.fit`` with ``validation_split``,
``EarlyStopping``, ``nn.evaluate``).
"""

from __future__ import annotations

from nn import data, datasets, functional, init, utils
from nn.activations import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from nn.activations_more import (
    CELU,
    GLU,
    SELU,
    AlphaDropout,
    FeatureAlphaDropout,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Mish,
    RReLU,
    Softmax2d,
    Softmin,
    Softshrink,
    Softsign,
    Tanhshrink,
    Threshold,
)
from nn.adaptive import AdaptiveLogSoftmaxWithLoss
from nn.attention import MultiheadAttention
from nn.callbacks import Callback, EarlyStopping, History, LambdaCallback, ModelCheckpoint
from nn.checkpoints import load_checkpoint, save_checkpoint
from nn.containers import ModuleDict, ModuleList, Sequential
from nn.containers_params import ParameterDict, ParameterList
from nn.conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from nn.distance import CosineSimilarity, PairwiseDistance
from nn.embedding import Embedding
from nn.embedding_bag import EmbeddingBag
from nn.layers import Bilinear, Dropout, Flatten, Identity, Linear, Maxout
from nn.lazy import LazyConv1d, LazyConv2d, LazyConv3d, LazyLinear, LazyModuleMixin
from nn.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    CTCLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    MultiLabelMarginLoss,
    MultiLabelSoftMarginLoss,
    MultiMarginLoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
    TripletMarginLoss,
    TripletMarginWithDistanceLoss,
)
from nn.losses_keras import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
)
from nn.module import Module, Parameter
from nn.norm_conv import (
    BatchNorm2d,
    BatchNorm3d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
)
from nn.normalization import BatchNorm1d, LayerNorm
from nn.normalization_more import LocalResponseNorm, RMSNorm
from nn.padding import (
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from nn.parameter import UninitializedParameter
from nn.pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveAvgPool3d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AdaptiveMaxPool3d,
    AvgPool1d,
    AvgPool2d,
    AvgPool3d,
    LPPool1d,
    LPPool2d,
    LPPool3d,
    MaxPool1d,
    MaxPool2d,
    MaxPool3d,
    MaxUnpool1d,
    MaxUnpool2d,
    MaxUnpool3d,
)
from nn.regularization import l1_penalty, l2_penalty
from nn.resampling import (
    ChannelShuffle,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    PixelShuffle,
    PixelUnshuffle,
    Upsample,
    UpsamplingBilinear2d,
    UpsamplingNearest2d,
)
from nn.rnn import GRU, LSTM, RNN, RNNBase
from nn.rnn_cells import GRUCell, LSTMCell, RNNCell, RNNCellBase
from nn.serialization import CheckpointError, load, save
from nn.tbptt import detach_state, hidden_grad_norms, truncated_bptt
from nn.trainer import Trainer, compile
from nn.training import accuracy, evaluate, fit, predict
from nn.transformer import TransformerEncoder, TransformerEncoderLayer
from nn.transformer_decoder import Transformer, TransformerDecoder, TransformerDecoderLayer
from nn.unfold import Fold, LocallyConnected2d, Unflatten, Unfold

__all__ = [
    "functional",
    "init",
    "Module",
    "Parameter",
    "UninitializedParameter",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "ParameterList",
    "ParameterDict",
    "Linear",
    "LazyLinear",
    "LazyModuleMixin",
    "Bilinear",
    "Identity",
    "Flatten",
    "Dropout",
    "Embedding",
    "EmbeddingBag",
    "LayerNorm",
    "BatchNorm1d",
    "Maxout",
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "GELU",
    "SiLU",
    "Sigmoid",
    "Tanh",
    "Hardtanh",
    "Softplus",
    "LogSigmoid",
    "Softmax",
    "LogSoftmax",
    "Mish",
    "Hardswish",
    "Hardsigmoid",
    "SELU",
    "CELU",
    "Softsign",
    "Tanhshrink",
    "Softshrink",
    "Hardshrink",
    "Threshold",
    "GLU",
    "RReLU",
    "Softmin",
    "Softmax2d",
    "AlphaDropout",
    "FeatureAlphaDropout",
    "RMSNorm",
    "LocalResponseNorm",
    "MSELoss",
    "L1Loss",
    "HuberLoss",
    "SmoothL1Loss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "GaussianNLLLoss",
    "KLDivLoss",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "BinaryCrossentropy",
    "l1_penalty",
    "l2_penalty",
    "data",
    "datasets",
    "utils",
    "fit",
    "evaluate",
    "predict",
    "compile",
    "Trainer",
    "accuracy",
    "History",
    "Callback",
    "LambdaCallback",
    "EarlyStopping",
    "ModelCheckpoint",
    "save",
    "load",
    "CheckpointError",
    "save_checkpoint",
    "load_checkpoint",
    # conv-net layers (issue 14 part B)
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "LPPool1d",
    "LPPool2d",
    "LPPool3d",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "MaxUnpool1d",
    "MaxUnpool2d",
    "MaxUnpool3d",
    "BatchNorm2d",
    "BatchNorm3d",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "Upsample",
    "UpsamplingNearest2d",
    "UpsamplingBilinear2d",
    "ChannelShuffle",
    "PixelShuffle",
    "PixelUnshuffle",
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "Unfold",
    "Fold",
    "LocallyConnected2d",
    "Unflatten",
]
__all__ += ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]
__all__ += ["truncated_bptt", "detach_state", "hidden_grad_norms"]
__all__ += ["CosineSimilarity", "PairwiseDistance"]
__all__ += ["MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder"]
__all__ += ["TransformerDecoderLayer", "TransformerDecoder", "Transformer"]
__all__ += ["MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss", "CosineEmbeddingLoss"]
__all__ += ["PoissonNLLLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss"]
__all__ += ["MultiLabelSoftMarginLoss", "MultiMarginLoss", "MultiLabelMarginLoss", "CTCLoss"]
__all__ += ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d"]
__all__ += ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d"]
__all__ += ["ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d"]
__all__ += ["ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d"]
__all__ += ["CircularPad1d", "CircularPad2d", "CircularPad3d"]
__all__ += ["AdaptiveLogSoftmaxWithLoss"]
from nn.recurrent_designs import (  # noqa: E402  (the seeds' other recurrent designs, issue 15)
    EchoStateNetwork,
    LeakyRNNCell,
    OutputRecurrentRNN,
    VectorToSequence,
)

__all__ += ["LeakyRNNCell", "EchoStateNetwork", "OutputRecurrentRNN", "VectorToSequence"]
