// MD5 (RFC 1321), used only to verify downloaded dataset files against the checksums their publishers
// give. Not for security: MD5 is broken against deliberate collisions, but it detects damaged or wrong files.

import Foundation

/// The MD5 digest of `bytes`, as 32 lowercase hex digits (like `md5sum`).
public func md5Hex(_ bytes: [UInt8]) -> String {
    bytes.withUnsafeBytes { md5Digest($0) }.map(hexByte).joined()
}

/// The MD5 digest of `data`, as 32 lowercase hex digits, without copying the data.
public func md5Hex(_ data: Data) -> String {
    data.withUnsafeBytes { md5Digest($0) }.map(hexByte).joined()
}

/// The 16-byte MD5 digest of `input`.
func md5Digest(_ input: UnsafeRawBufferPointer) -> [UInt8] {
    var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
    let fullBlocks = input.count / 64
    if let base = input.baseAddress {
        for block in 0..<fullBlocks {
            md5Compress(&state, UnsafeRawBufferPointer(start: base + block * 64, count: 64))
        }
    }
    // The tail, a 0x80 byte, zeros, and the message length in bits (little-endian): one or two blocks.
    var tail = [UInt8](input[(fullBlocks * 64)...])
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    let bitLength = UInt64(input.count) &* 8
    for shift in stride(from: 0, to: 64, by: 8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
    tail.withUnsafeBytes { buffer in
        for offset in stride(from: 0, to: buffer.count, by: 64) {
            md5Compress(&state, UnsafeRawBufferPointer(rebasing: buffer[offset ..< offset + 64]))
        }
    }
    var digest: [UInt8] = []
    for word in [state.0, state.1, state.2, state.3] {
        for shift in stride(from: 0, to: 32, by: 8) { digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
    }
    return digest
}

/// Per-round left-rotation amounts.
private let md5Shifts: [UInt32] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
]

/// The round constants: the integer part of |sin(i + 1)| · 2³² (RFC 1321, section 3.4).
private let md5Constants: [UInt32] = [
    0xD76A_A478, 0xE8C7_B756, 0x2420_70DB, 0xC1BD_CEEE, 0xF57C_0FAF, 0x4787_C62A, 0xA830_4613, 0xFD46_9501,
    0x6980_98D8, 0x8B44_F7AF, 0xFFFF_5BB1, 0x895C_D7BE, 0x6B90_1122, 0xFD98_7193, 0xA679_438E, 0x49B4_0821,
    0xF61E_2562, 0xC040_B340, 0x265E_5A51, 0xE9B6_C7AA, 0xD62F_105D, 0x0244_1453, 0xD8A1_E681, 0xE7D3_FBC8,
    0x21E1_CDE6, 0xC337_07D6, 0xF4D5_0D87, 0x455A_14ED, 0xA9E3_E905, 0xFCEF_A3F8, 0x676F_02D9, 0x8D2A_4C8A,
    0xFFFA_3942, 0x8771_F681, 0x6D9D_6122, 0xFDE5_380C, 0xA4BE_EA44, 0x4BDE_CFA9, 0xF6BB_4B60, 0xBEBF_BC70,
    0x289B_7EC6, 0xEAA1_27FA, 0xD4EF_3085, 0x0488_1D05, 0xD9D4_D039, 0xE6DB_99E5, 0x1FA2_7CF8, 0xC4AC_5665,
    0xF429_2244, 0x432A_FF97, 0xAB94_23A7, 0xFC93_A039, 0x655B_59C3, 0x8F0C_CC92, 0xFFEF_F47D, 0x8584_5DD1,
    0x6FA8_7E4F, 0xFE2C_E6E0, 0xA301_4314, 0x4E08_11A1, 0xF753_7E82, 0xBD3A_F235, 0x2AD7_D2BB, 0xEB86_D391,
]

/// One 64-byte block of the MD5 compression function.
private func md5Compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer) {
    var m = [UInt32](repeating: 0, count: 16)
    for i in 0..<16 {
        let o = 4 * i
        m[i] = UInt32(block[o]) | UInt32(block[o + 1]) << 8 | UInt32(block[o + 2]) << 16 | UInt32(block[o + 3]) << 24
    }
    var (a, b, c, d) = state
    for i in 0..<64 {
        var f: UInt32
        let g: Int
        switch i {
        case 0..<16: f = (b & c) | (~b & d); g = i
        case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
        case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
        default: f = c ^ (b | ~d); g = (7 * i) % 16
        }
        f = f &+ a &+ md5Constants[i] &+ m[g]
        a = d
        d = c
        c = b
        let s = md5Shifts[i]
        b = b &+ ((f << s) | (f >> (32 - s)))
    }
    state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
}
