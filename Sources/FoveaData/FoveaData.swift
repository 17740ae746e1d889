// FoveaData: datasets, file readers and the DataLoader.
@_exported import FoveaTensor
