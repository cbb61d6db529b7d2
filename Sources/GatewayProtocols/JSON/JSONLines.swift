// JSONLines: iterates the lines of an NDJSON / JSON Lines body (one JSON value per line) as byte
// ranges, without copying. Lines end at LF; a CR before the LF is dropped; blank lines are skipped.

/// One non-blank line: its 1-based line number in the body and its byte range (terminator excluded).
public struct JSONLine: Sendable, Equatable {
    public let lineNumber: Int
    public let range: Range<Int>
}

/// The non-blank lines of `bytes`. Blank means empty or only JSON whitespace (SP, HTAB, CR).
/// Read each with `JSONReader(bytes, range: line.range)`; error offsets are then line-relative.
public struct JSONLines: Sequence, Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        var position = 0
        var lineNumber = 0

        public mutating func next() -> JSONLine? {
            while position < bytes.count {
                lineNumber += 1
                let lineStart = position
                var lineEnd = lineStart
                while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
                position = lineEnd + 1
                var contentEnd = lineEnd
                if contentEnd > lineStart && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                let isBlank = bytes[lineStart..<contentEnd].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                if !isBlank { return JSONLine(lineNumber: lineNumber, range: lineStart..<contentEnd) }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(bytes: bytes) }
}
