// Element-wise arithmetic with broadcasting: + − × ÷ between tensors and with scalars.

import FoveaKernels

extension Tensor {
    /// Element-wise `op` after broadcasting, recorded with its pullback. Shapes must broadcast.
    static func elementwise(_ op: BinaryOperation, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
        let value = Tensor(uninitializedShape: shape)
        binaryBroadcast(op, output: value.storage.pointer, shape: shape,
                        lhs: a.pointer, lhsStrides: broadcastStrides(of: a.shape, to: shape),
                        rhs: b.pointer, rhsStrides: broadcastStrides(of: b.shape, to: shape))
        return recording(value, inputs: [a, b]) { g, needed in
            let (sa, sb) = (a.shape, b.shape)
            func grad(_ x: Tensor, _ op: BinaryOperation, _ y: Tensor) -> Tensor {
                elementwise(op, x, y, shape: jointShape(x.shape, y.shape))
            }
            switch op {
            case .add:
                return [needed[0] ? g.summed(toShape: sa) : nil, needed[1] ? g.summed(toShape: sb) : nil]
            case .subtract:
                return [needed[0] ? g.summed(toShape: sa) : nil, needed[1] ? (-g).summed(toShape: sb) : nil]
            case .multiply:
                return [needed[0] ? grad(g, .multiply, b).summed(toShape: sa) : nil,
                        needed[1] ? grad(g, .multiply, a).summed(toShape: sb) : nil]
            case .divide:
                let ga = needed[0] ? grad(g, .divide, b).summed(toShape: sa) : nil
                let gb = needed[1] ? (-grad(grad(g, .multiply, a), .divide, grad(b, .multiply, b))).summed(toShape: sb) : nil
                return [ga, gb]
            case .maximum, .minimum:
                // The gradient goes to the operand that was chosen (to `a` on ties).
                let chooseA = maskWhere(a, op == .maximum ? (>=) : (<=), b, shape: g.shape)
                let ga = needed[0] ? grad(g, .multiply, chooseA).summed(toShape: sa) : nil
                let gb = needed[1] ? grad(g, .multiply, 1 - chooseA).summed(toShape: sb) : nil
                return [ga, gb]
            }
        }
    }

    /// 1 where `compare(a, b)` holds after broadcasting to `shape`, else 0 (not recorded).
    private static func maskWhere(_ a: Tensor, _ compare: (Float, Float) -> Bool, _ b: Tensor, shape: [Int]) -> Tensor {
        let ea = a.broadcastValue(to: shape), eb = b.broadcastValue(to: shape)
        let mask = Tensor(uninitializedShape: shape)
        for i in 0..<mask.count { mask.storage.pointer[i] = compare(ea.pointer[i], eb.pointer[i]) ? 1 : 0 }
        return mask
    }

    static func checked(_ op: BinaryOperation, _ a: Tensor, _ b: Tensor, name: String) throws -> Tensor {
        elementwise(op, a, b, shape: try broadcastShape(a.shape, b.shape, operation: name))
    }

    /// Element-wise sum with broadcasting. - Throws: when the shapes do not broadcast.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try checked(.add, a, b, name: "add") }
    /// Element-wise difference with broadcasting. - Throws: when the shapes do not broadcast.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try checked(.subtract, a, b, name: "subtract") }
    /// Element-wise product with broadcasting. - Throws: when the shapes do not broadcast.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try checked(.multiply, a, b, name: "multiply") }
    /// Element-wise quotient with broadcasting. - Throws: when the shapes do not broadcast.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try checked(.divide, a, b, name: "divide") }

    /// Element-wise maximum with broadcasting (the gradient goes to the larger operand, `a` on ties).
    public static func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try checked(.maximum, a, b, name: "maximum") }
    /// Element-wise minimum with broadcasting (the gradient goes to the smaller operand, `a` on ties).
    public static func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try checked(.minimum, a, b, name: "minimum") }

    // A scalar always broadcasts, so these cannot fail.
    public static func + (a: Tensor, s: Float) -> Tensor { elementwise(.add, a, Tensor(scalar: s), shape: a.shape) }
    public static func - (a: Tensor, s: Float) -> Tensor { elementwise(.subtract, a, Tensor(scalar: s), shape: a.shape) }
    public static func * (a: Tensor, s: Float) -> Tensor { elementwise(.multiply, a, Tensor(scalar: s), shape: a.shape) }
    public static func / (a: Tensor, s: Float) -> Tensor { elementwise(.divide, a, Tensor(scalar: s), shape: a.shape) }
    public static func + (s: Float, a: Tensor) -> Tensor { elementwise(.add, Tensor(scalar: s), a, shape: a.shape) }
    public static func - (s: Float, a: Tensor) -> Tensor { elementwise(.subtract, Tensor(scalar: s), a, shape: a.shape) }
    public static func * (s: Float, a: Tensor) -> Tensor { elementwise(.multiply, Tensor(scalar: s), a, shape: a.shape) }
    public static func / (s: Float, a: Tensor) -> Tensor { elementwise(.divide, Tensor(scalar: s), a, shape: a.shape) }

    /// Negation.
    public static prefix func - (a: Tensor) -> Tensor { a * -1 }
}
