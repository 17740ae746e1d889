import Testing

@Suite struct FoveaNNTestsPlaceholder {}
