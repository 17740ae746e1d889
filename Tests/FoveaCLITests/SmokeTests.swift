import Testing

@Suite struct FoveaCLITestsPlaceholder {}
