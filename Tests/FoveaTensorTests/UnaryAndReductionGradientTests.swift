// Finite-difference gradient checks for element-wise functions and reductions.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct UnaryGradientTests {
    @Test func relu() throws {
        // |x| ≥ 0.1 > step: no central difference straddles the kink at 0.
        try expectGradients([try kinkFreeTensor([3, 4, 5])]) { $0[0].relu() }
    }

    @Test func abs() throws {
        try expectGradients([try kinkFreeTensor([3, 4, 5])]) { $0[0].abs() }
    }

    @Test func reluWithTheKinkSkipped() throws {
        // Values that straddle 0 within the step: the skip rule leaves them out.
        let x = try Tensor(shape: [6], scalars: [-1, -0.005, 0, 0.004, 0.5, 2])
        let checker = GradientChecker(skip: GradientChecker.kink(at: 0, range: 0.02))
        let report = try checker.check([x]) { $0[0].relu() }
        #expect(report.passed, "\(report)")
        #expect(report.inputs[0].skipped == 3 && report.inputs[0].checked == 3)
    }

    @Test func exp() throws {
        try expectGradients([try uniform([3, 4], -2, 2)]) { $0[0].exp() }
    }

    @Test func log() throws {
        try expectGradients([try uniform([3, 4], 0.5, 3)]) { $0[0].log() }
    }

    @Test func sqrt() throws {
        try expectGradients([try uniform([3, 4], 0.5, 3)]) { $0[0].sqrt() }
    }

    @Test func squared() throws {
        try expectGradients([try uniform([3, 4], -2, 2)]) { $0[0].squared() }
    }

    @Test func tanh() throws {
        try expectGradients([try uniform([3, 4], -3, 3)]) { $0[0].tanh() }
    }

    @Test func sigmoid() throws {
        try expectGradients([try uniform([3, 4], -4, 4)]) { $0[0].sigmoid() }
    }

    @Test func values() throws {
        let x = try Tensor(shape: [4], scalars: [-2, -0.5, 0, 1.5])
        expectValues(x.relu(), shape: [4], [0, 0, 0, 1.5])
        expectValues(x.abs(), shape: [4], [2, 0.5, 0, 1.5])
        expectValues(x.squared(), shape: [4], [4, 0.25, 0, 2.25])
        expectValues(x.sigmoid(), shape: [4], [0.11920292, 0.37754067, 0.5, 0.81757448])
        expectValues(x.tanh(), shape: [4], [-0.96402758, -0.46211716, 0, 0.90514825])
        expectValues(x.exp(), shape: [4], [0.13533528, 0.60653066, 1, 4.48168907])
        let y = try Tensor(shape: [3], scalars: [1, 4, 0.25])
        expectValues(y.sqrt(), shape: [3], [1, 2, 0.5])
        expectValues(y.log(), shape: [3], [0, 1.38629436, -1.38629436])
    }

    @Test func sigmoidDoesNotOverflow() throws {
        let s = try Tensor(shape: [2], scalars: [-100, 100]).sigmoid()
        #expect(s.scalars.allSatisfy { $0.isFinite })
        expectValues(s, shape: [2], [0, 1])
    }

    @Test func reluGradientAtZeroIsZero() throws {
        let x = try Tensor(shape: [3], scalars: [-1, 0, 1]).requiringGradient()
        try x.relu().sum().backward()
        #expect(x.gradient?.scalars == [0, 0, 1])
    }
}

@Suite struct ReductionGradientTests {
    @Test func sumAndMean() throws {
        let x = try uniform([2, 3, 4])
        try expectGradients([x], "sum") { $0[0].sum() }
        try expectGradients([x], "mean") { $0[0].mean() }
    }

    @Test(arguments: [[], [0], [1], [2], [-1], [0, 2], [2, 0], [0, 1, 2], [-3, -2], [1, -2]] as [[Int]])
    func sumAlongAxes(axes: [Int]) throws {
        let x = try uniform([2, 3, 4])
        try expectGradients([x], "sum \(axes)") { try $0[0].sum(alongAxes: axes) }
        try expectGradients([x], "sum \(axes) keeping") { try $0[0].sum(alongAxes: axes, keepingDimensions: true) }
        try expectGradients([x], "mean \(axes)") { try $0[0].mean(alongAxes: axes) }
        try expectGradients([x], "mean \(axes) keeping") { try $0[0].mean(alongAxes: axes, keepingDimensions: true) }
    }

    @Test(arguments: [0, 1, 2, -1]) func maxAlongAxis(axis: Int) throws {
        let x = try kinkFreeTensor([2, 3, 4])
        try expectGradients([x], "max \(axis)") { try $0[0].max(alongAxis: axis) }
        try expectGradients([x], "max \(axis) keeping") { try $0[0].max(alongAxis: axis, keepingDimensions: true) }
    }

    @Test func reductionValuesAndShapes() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        expectValues(x.sum(), shape: [], [21])
        expectValues(x.mean(), shape: [], [3.5])
        expectValues(try x.sum(alongAxes: [0]), shape: [3], [5, 7, 9])
        expectValues(try x.sum(alongAxes: [1], keepingDimensions: true), shape: [2, 1], [6, 15])
        expectValues(try x.mean(alongAxes: [-1]), shape: [2], [2, 5])
        expectValues(try x.mean(alongAxes: [0, 1]), shape: [], [3.5])
        expectValues(try x.max(alongAxis: 0), shape: [3], [4, 5, 6])
        expectValues(try x.max(alongAxis: 1, keepingDimensions: true), shape: [2, 1], [3, 6])
        #expect(try x.argmax(alongAxis: 1) == [2, 2])
        // Repeated axes (here 1 and −1 of a rank-2 tensor) count once.
        expectValues(try x.sum(alongAxes: [1, -1]), shape: [2], [6, 15])
        expectValues(try x.mean(alongAxes: [1, -1]), shape: [2], [2, 5])
        expectValues(try x.sum(alongAxes: []), shape: [2, 3], [1, 2, 3, 4, 5, 6])
    }

    @Test func maxSendsTheGradientToTheFirstMaximum() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 7, 7, 5, 2, 5]).requiringGradient()
        try x.max(alongAxis: 1).sum().backward()
        #expect(x.gradient?.scalars == [0, 1, 0, 1, 0, 0])
    }
}
