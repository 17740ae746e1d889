// Adam, AdamW and RMSprop against steps worked by hand from PyTorch's update rules, plus
// hyperparameter validation. One parameter p = 1 receives the gradients 0.5, −1, 0.25 (the
// gradient of c·p is c); learning rate 0.1 throughout. The same runs with torch 2.15's
// torch.optim.Adam / AdamW / RMSprop agree with every expected value below to 1e-7.

import FoveaNN
import Testing

@Suite struct AdaptiveOptimizerTests {
    /// The parameter's value after each step, for gradients `coefficients` (one per step).
    func trajectory(_ makeOptimizer: ([Parameter]) throws -> any Optimizer, gradients coefficients: [Float] = [0.5, -1, 0.25]) throws -> [Float] {
        let p = Parameter(Tensor([1]))
        let optimizer = try makeOptimizer([p])
        var values: [Float] = []
        for c in coefficients {
            optimizer.zeroGradients()
            try (p.value * c).sum().backward()
            optimizer.step()
            values.append(p.value.scalars[0])
        }
        return values
    }

    func close(_ a: [Float], _ b: [Float], _ tolerance: Float = 2e-6) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
    }

    /// β = (0.9, 0.999), ε = 1e-8.
    /// Step 1: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 2.5e-4; m̂ = 0.05/0.1 = 0.5, √v̂ = √(2.5e-4/0.001) = 0.5
    ///   → p = 1 − 0.1·0.5/0.5 = 0.9.
    /// Step 2: m = 0.045 − 0.1 = −0.055, v = 2.4975e-4 + 1e-3 = 1.24975e-3; 1 − β₁² = 0.19, 1 − β₂² = 0.001999
    ///   → p = 0.9 + 0.1/0.19·0.055 / (√1.24975e-3/√0.001999) = 0.9 + 0.0289474/0.790687 = 0.936610.
    /// Step 3: m = −0.0495 + 0.025 = −0.0245, v = 1.248500e-3 + 6.25e-5 = 1.311000e-3;
    ///   1 − β₁³ = 0.271, 1 − β₂³ = 0.002997001 → p = 0.936610 + 0.1·0.0245/0.271 / 0.661393 = 0.950279.
    @Test func adamMatchesHandComputedSteps() throws {
        let values = try trajectory { try Adam(parameters: $0, learningRate: 0.1) }
        #expect(close(values, [0.9, 0.9366104, 0.9502794]), "\(values)")
    }

    /// Weight decay 0.1 as an L2 term: g₁ = 0.5 + 0.1·1 = 0.6 → m̂ = 0.6, √v̂ = 0.6, p = 0.9;
    /// g₂ = −1 + 0.09 = −0.91 → m = 0.054 − 0.091 = −0.037, v = 3.5964e-4 + 8.281e-4 = 1.18774e-3
    ///   → p = 0.9 + 0.1/0.19·0.037/(√1.18774e-3/√0.001999) = 0.925264;
    /// g₃ = 0.25 + 0.0925264 → p = 0.924731.
    @Test func adamWeightDecayIsAddedToTheGradient() throws {
        let values = try trajectory { try Adam(parameters: $0, learningRate: 0.1, weightDecay: 0.1) }
        #expect(close(values, [0.9, 0.9252635, 0.9247306]), "\(values)")
    }

    /// AMSGrad with β₂ = 0.5 and gradients 1, 0.1, where v falls: v₁ = 0.5, v₂ = 0.25 + 0.005 = 0.255.
    /// Step 1 (both): m̂ = 1, √v̂ = 1 → p = 0.9.
    /// Step 2: m = 0.09 + 0.01 = 0.1, step size 0.1/0.19 = 0.526316, √(1 − 0.25) = 0.866025.
    ///   Adam:    p = 0.9 − 0.526316·0.1/(√0.255/0.866025) = 0.9 − 0.0902624 = 0.809738.
    ///   AMSGrad uses max(0.5, 0.255) = 0.5: p = 0.9 − 0.526316·0.1/(√0.5/0.866025) = 0.835540.
    @Test func amsgradKeepsTheLargestSecondMoment() throws {
        let plain = try trajectory({ try Adam(parameters: $0, learningRate: 0.1, betas: (0.9, 0.5)) }, gradients: [1, 0.1])
        let ams = try trajectory({ try Adam(parameters: $0, learningRate: 0.1, betas: (0.9, 0.5), amsgrad: true) }, gradients: [1, 0.1])
        #expect(close(plain, [0.9, 0.8097376]), "\(plain)")
        #expect(close(ams, [0.9, 0.8355397]), "\(ams)")
    }

    /// AdamW, decay 0.1: each step first p ·= 1 − 0.1·0.1 = 0.99, then Adam's step without L2
    /// (the same moment updates as plain Adam): p₁ = 0.99 − 0.1 = 0.89;
    /// p₂ = 0.89·0.99 + 0.0366104 = 0.917710; p₃ = 0.917710·0.99 + 0.0136691 = 0.922202.
    @Test func adamWDecaysTheWeightsSeparately() throws {
        let values = try trajectory { try AdamW(parameters: $0, learningRate: 0.1, weightDecay: 0.1) }
        #expect(close(values, [0.89, 0.9177104, 0.9222023]), "\(values)")
    }

    /// α = 0.9, ε = 1e-8. s₁ = 0.1·0.25 = 0.025 → p = 1 − 0.1·0.5/√0.025 = 1 − 0.316228 = 0.683772;
    /// s₂ = 0.0225 + 0.1 = 0.1225 → p = 0.683772 + 0.1/0.35 = 0.969487;
    /// s₃ = 0.11025 + 0.00625 = 0.1165 → p = 0.969487 − 0.025/0.341321 = 0.896242.
    @Test func rmspropMatchesHandComputedSteps() throws {
        let values = try trajectory { try RMSprop(parameters: $0, learningRate: 0.1, alpha: 0.9) }
        #expect(close(values, [0.6837723, 0.9694865, 0.8962417]), "\(values)")
    }

    /// Momentum 0.9: b₁ = 0.5/√0.025 = 3.162278 → p = 0.683772;
    /// b₂ = 2.846050 − 1/0.35 = −0.011093 → p = 0.684882;
    /// b₃ = −0.009984 + 0.25/0.341321 = 0.722465 → p = 0.612635.
    @Test func rmspropMomentumMatchesHandComputedSteps() throws {
        let values = try trajectory { try RMSprop(parameters: $0, learningRate: 0.1, alpha: 0.9, momentum: 0.9) }
        #expect(close(values, [0.6837723, 0.6848816, 0.6126351]), "\(values)")
    }

    /// Centered: a₁ = 0.05, d = √(0.025 − 0.0025) = 0.15 → p = 1 − 0.05/0.15 = 0.666667;
    /// a₂ = 0.045 − 0.1 = −0.055, d = √(0.1225 − 0.003025) = 0.345652 → p = 0.955975;
    /// a₃ = −0.0495 + 0.025 = −0.0245, d = √(0.1165 − 0.00060025) = 0.340440 → p = 0.882541.
    @Test func centeredRMSpropMatchesHandComputedSteps() throws {
        let values = try trajectory { try RMSprop(parameters: $0, learningRate: 0.1, alpha: 0.9, centered: true) }
        #expect(close(values, [0.6666667, 0.9559754, 0.8825411]), "\(values)")
    }

    /// Weight decay 0.1: g₁ = 0.6, s₁ = 0.036 → p = 1 − 0.06/0.189737 = 0.683772;
    /// g₂ = −1 + 0.0683772 → p = 0.953618; g₃ = 0.25 + 0.0953618 → p = 0.853587.
    @Test func rmspropWeightDecayIsAddedToTheGradient() throws {
        let values = try trajectory { try RMSprop(parameters: $0, learningRate: 0.1, alpha: 0.9, weightDecay: 0.1) }
        #expect(close(values, [0.6837723, 0.9536185, 0.8535873]), "\(values)")
    }

    /// A parameter without a gradient is left alone and its step count does not advance.
    @Test func parametersWithoutGradientsAreSkipped() throws {
        let used = Parameter(Tensor([1])), unused = Parameter(Tensor([2]))
        let adam = try Adam(parameters: [used, unused], learningRate: 0.1)
        try (used.value * 0.5).sum().backward()
        adam.step()
        #expect(abs(used.value.scalars[0] - 0.9) < 1e-6)
        #expect(unused.value.scalars == [2])
    }

    @Test func invalidHyperparametersAreRefusedNamingTheValue() {
        let p = [Parameter(Tensor([1]))]
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { _ = try Adam(parameters: p, learningRate: .nan) }.contains("learning rate nan"))
        #expect(message { _ = try Adam(parameters: p, learningRate: -0.1) }.contains("learning rate -0.1"))
        #expect(message { _ = try Adam(parameters: p, betas: (1, 0.999)) }.contains("beta1 1.0 must be in [0, 1)"))
        #expect(message { _ = try AdamW(parameters: p, betas: (0.9, -0.5)) }.contains("beta2 -0.5"))
        #expect(message { _ = try Adam(parameters: p, epsilon: -1e-8) }.contains("epsilon"))
        #expect(message { _ = try AdamW(parameters: p, weightDecay: .infinity) }.contains("weight decay inf"))
        #expect(message { _ = try RMSprop(parameters: p, alpha: 1.5) }.contains("alpha 1.5 must be in [0, 1]"))
        #expect(message { _ = try RMSprop(parameters: p, momentum: .nan) }.contains("momentum nan"))
        #expect(message { _ = try Adam(parameters: p + p) }.contains("appears twice"))
        #expect(throws: TensorError.self) { try RMSprop(parameters: p, weightDecay: -1) }
    }
}
