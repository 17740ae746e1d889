// Fovea: the umbrella module. `import Fovea` brings every library target; it holds no code.
@_exported import FoveaData
@_exported import FoveaKernels
@_exported import FoveaModels
@_exported import FoveaNN
@_exported import FoveaTensor
