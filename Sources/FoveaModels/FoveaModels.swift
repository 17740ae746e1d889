// FoveaModels: the model zoo, built from FoveaNN layers.
@_exported import FoveaNN
