// JSONReader+Numbers: number literals (RFC 8259 §6). Integer literals are read exactly as Int64;
// anything with a fraction or exponent, or an integer outside Int64, becomes a Double, except where
// the caller asked for an Int64 (then out-of-range is its own error, so it can say so).

/// A number as read: exact when it is an integer literal within Int64.
public enum JSONNumber: Sendable, Equatable {
    case int(Int64)
    case double(Double)
}

extension JSONReader {
    /// Scans the number at the current value position against the grammar
    /// `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`. Returns its absolute byte range and
    /// whether it is an integer literal (no fraction, no exponent).
    mutating func scanNumber() throws(JSONError) -> (range: Range<Int>, isInteger: Bool) {
        try expectKind(.number)
        let numberStart = index
        if input[index] == 0x2D { index += 1 }
        guard index < end else { throw fail(.unexpectedEnd, at: index) }
        if input[index] == 0x30 {
            index += 1
            if index < end && isDigit(input[index]) { throw fail(.leadingZero, at: numberStart) }
        } else if isDigit(input[index]) {
            skipDigits()
        } else {
            throw fail(.invalidNumber, at: numberStart)
        }
        var isInteger = true
        if index < end && input[index] == 0x2E {
            index += 1
            guard skipDigits() else { throw fail(.invalidNumber, at: numberStart) }
            isInteger = false
        }
        if index < end && (input[index] == 0x65 || input[index] == 0x45) {
            index += 1
            if index < end && (input[index] == 0x2B || input[index] == 0x2D) { index += 1 }
            guard skipDigits() else { throw fail(.invalidNumber, at: numberStart) }
            isInteger = false
        }
        return (numberStart..<index, isInteger)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Skips digits; true if there was at least one.
    @discardableResult
    private mutating func skipDigits() -> Bool {
        let first = index
        while index < end && isDigit(input[index]) { index += 1 }
        return index > first
    }

    /// Any number: `.int` for an integer literal within Int64, else `.double`.
    public mutating func readNumber() throws(JSONError) -> JSONNumber {
        let (range, isInteger) = try scanNumber()
        if isInteger, let value = exactInteger(range) { return .int(value) }
        return .double(try doubleValue(range))
    }

    /// An integer. Integer literals must fit Int64 (else `.integerOutOfRange`); a literal with a
    /// fraction or exponent is accepted only when its value is an integer exactly representable
    /// in a Double (|v| ≤ 2^53), e.g. `1e3` or `100.0`; otherwise `.notAnInteger`.
    public mutating func readInt64() throws(JSONError) -> Int64 {
        let (range, isInteger) = try scanNumber()
        if isInteger {
            guard let value = exactInteger(range) else { throw fail(.integerOutOfRange, at: range.lowerBound) }
            return value
        }
        let value = try doubleValue(range)
        guard let integer = exactInt64(value), integer.magnitude <= 9_007_199_254_740_992 else {
            throw fail(.notAnInteger, at: range.lowerBound)
        }
        return integer
    }

    /// Any number as a Double (integers beyond 2^53 are rounded to the nearest Double).
    public mutating func readDouble() throws(JSONError) -> Double {
        let (range, _) = try scanNumber()
        return try doubleValue(range)
    }

    /// The Int64 value of an integer literal, or nil when it is out of range.
    private func exactInteger(_ range: Range<Int>) -> Int64? {
        var position = range.lowerBound
        let negative = input[position] == 0x2D
        if negative { position += 1 }
        var magnitude: UInt64 = 0
        while position < range.upperBound {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(input[position] - 0x30))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
            position += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The correctly rounded Double of a validated literal; `.numberOutOfRange` when not finite.
    private func doubleValue(_ range: Range<Int>) throws(JSONError) -> Double {
        guard let value = Double(String(decoding: input[range], as: UTF8.self)) else {
            throw fail(.invalidNumber, at: range.lowerBound)
        }
        guard value.isFinite else { throw fail(.numberOutOfRange, at: range.lowerBound) }
        return value
    }
}

/// The Int64 equal to `value`, or nil when it has a fraction or lies outside Int64. Written with a
/// truncating conversion and a round trip instead of `rounded()`, which would pull in libm.
func exactInt64(_ value: Double) -> Int64? {
    guard value >= -9_223_372_036_854_775_808.0, value < 9_223_372_036_854_775_808.0 else { return nil }
    let truncated = Int64(value)
    return Double(truncated) == value ? truncated : nil
}
