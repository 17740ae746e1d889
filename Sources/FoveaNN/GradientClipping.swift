// Gradient clipping, as PyTorch's `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`:
// rescale all gradients together when their global norm is too large, or clamp each element.
// Call between `backward()` and the optimizer's `step()`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scales the gradients of `parameters` so that their global norm is at most `maxNorm`
/// (PyTorch's `clip_grad_norm_`).
///
/// The total norm is the `normType`-norm of all gradient elements taken together (the norm of
/// the per-parameter norms); when `maxNorm / (total + 1e-6) < 1`, every gradient is multiplied
/// by that factor, otherwise nothing changes. Parameters without a gradient are skipped.
///
///     try loss.backward()
///     let norm = try clipGradientNorm(model.parameters, maxNorm: 1)
///     optimizer.step()
///
/// - Parameters:
///   - parameters: the parameters whose gradients are clipped together.
///   - maxNorm: the largest allowed norm, finite and ≥ 0.
///   - normType: the p of the p-norm, > 0; `.infinity` for the largest absolute value.
///   - errorIfNonfinite: throw instead of scaling when the total norm is NaN or infinite.
/// - Returns: the total norm before clipping.
/// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for a bad `maxNorm` or `normType`,
///   or a non-finite total norm when `errorIfNonfinite` is set.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float, normType: Float = 2,
                             errorIfNonfinite: Bool = false) throws -> Float {
    guard maxNorm.isFinite, maxNorm >= 0 else {
        throw TensorError.invalidArgument(operation: "clipGradientNorm", reason: "maxNorm \(maxNorm) must be finite and ≥ 0")
    }
    guard normType > 0, !normType.isNaN else {
        throw TensorError.invalidArgument(operation: "clipGradientNorm", reason: "normType \(normType) must be > 0 (or infinity)")
    }
    var accumulated = 0.0
    let power = Double(normType)
    for parameter in parameters {
        parameter.gradient?.withUnsafeBufferPointer { grad in
            for g in grad {
                let magnitude = Double(abs(g))
                if normType == .infinity {
                    accumulated = magnitude.isNaN ? .nan : Swift.max(accumulated, magnitude)
                } else {
                    accumulated += power == 2 ? magnitude * magnitude : pow(magnitude, power)
                }
            }
        }
    }
    let total = Float(normType == .infinity ? accumulated : (power == 2 ? accumulated.squareRoot() : pow(accumulated, 1 / power)))
    if errorIfNonfinite && !total.isFinite {
        throw TensorError.invalidArgument(operation: "clipGradientNorm",
                                          reason: "the total \(normType)-norm of the gradients is \(total); nothing was clipped")
    }
    let factor = maxNorm / (total + 1e-6)
    if factor < 1 {
        for parameter in parameters {
            parameter.updateGradient { grad in
                for i in grad.indices { grad[i] *= factor }
            }
        }
    }
    return total
}

/// Clamps every gradient element of `parameters` to `[−clipValue, clipValue]` (PyTorch's
/// `clip_grad_value_`). Parameters without a gradient are skipped.
/// - Parameters:
///   - parameters: the parameters whose gradients are clamped.
///   - clipValue: the largest allowed magnitude, finite and ≥ 0.
/// - Throws: ``TensorError/invalidArgument(operation:reason:)`` when `clipValue` is negative or not finite.
public func clipGradientValues(_ parameters: [Parameter], clipValue: Float) throws {
    guard clipValue.isFinite, clipValue >= 0 else {
        throw TensorError.invalidArgument(operation: "clipGradientValues", reason: "clipValue \(clipValue) must be finite and ≥ 0")
    }
    for parameter in parameters {
        parameter.updateGradient { grad in
            for i in grad.indices { grad[i] = Swift.min(Swift.max(grad[i], -clipValue), clipValue) }
        }
    }
}
