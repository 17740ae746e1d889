// FoveaNN: parameters, layers, losses and optimizers, built on FoveaTensor's differentiable ops.
@_exported import FoveaTensor
