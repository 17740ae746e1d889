import Testing

@Suite struct FoveaDataTestsPlaceholder {}
