import Testing

@Suite struct FoveaTensorTestsPlaceholder {}
