// HTTPRequestParser+Body: Content-Length bodies and the chunked transfer coding (RFC 9112 §6, §7.1):
// chunk sizes, extensions (validated, discarded, budgeted), data, CRLF terminators and trailers
// (validated, discarded, charged to the header budget).

extension HTTPRequestParser {
    mutating func fixedBodyStep(remaining: Int) -> Progress {
        let available = buffer.count - readIndex
        switch bodyMode {
        case .aggregate:
            guard available >= remaining else { return .needMoreBytes }
            let content = Array(buffer[readIndex..<readIndex + remaining])
            consume(remaining)
            let head = takeHeadInProgress()
            finishMessage()
            return .emit(.request(head, body: content))
        case .stream:
            guard available > 0 else { return .needMoreBytes }
            let count = min(available, remaining)
            let piece = Array(buffer[readIndex..<readIndex + count])
            consume(count)
            state = count == remaining ? .messageEnd : .fixedBody(remaining: remaining - count)
            return .emit(.body(piece))
        }
    }

    mutating func chunkSizeStep() throws(HTTPParseError) -> Progress {
        let extensionBudget = limits.maxChunkExtensionBytes - extensionBytes
        // 15 hex digits at most (larger sizes could overflow), plus the remaining extension budget.
        guard let line = try nextLine(limit: 15 + extensionBudget, context: "chunk size line",
                                      tooLong: .chunkExtensionsTooLarge(limit: limits.maxChunkExtensionBytes)) else {
            return .needMoreBytes
        }
        let (size, extensionLength) = try withBytes(line) { bytes throws(HTTPParseError) in try Self.parseChunkSizeLine(bytes) }
        extensionBytes += extensionLength
        if extensionBytes > limits.maxChunkExtensionBytes {
            throw .chunkExtensionsTooLarge(limit: limits.maxChunkExtensionBytes)
        }
        if size == 0 {
            state = .trailerFields
            return .continueParsing
        }
        guard size <= limits.maxBodyBytes - bodyBytes else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
        bodyBytes += size
        state = .chunkData(remaining: size)
        return .continueParsing
    }

    /// `1*15HEXDIG *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )`.
    /// Returns the size and the byte length of the extensions.
    static func parseChunkSizeLine(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> (size: Int, extensionLength: Int) {
        var size = 0
        var digits = 0
        while digits < line.count, let value = HTTPByte.hexValue(line[digits]) {
            size = size << 4 | Int(value)
            digits += 1
            if digits > 15 { throw .invalidChunkSize(line: HTTPByte.evidence(line)) }
        }
        guard digits > 0 else { throw .invalidChunkSize(line: HTTPByte.evidence(line)) }
        let extensions = UnsafeRawBufferPointer(rebasing: line[digits...])
        guard validChunkExtensions(extensions) else {
            throw digits < line.count && !HTTPByte.isWhitespace(line[digits]) && line[digits] != HTTPByte.semicolon
                ? .invalidChunkSize(line: HTTPByte.evidence(line))
                : .invalidChunkExtension(line: HTTPByte.evidence(line))
        }
        return (size, extensions.count)
    }

    /// True when `bytes` is a (possibly empty) sequence of well-formed chunk extensions.
    static func validChunkExtensions(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        func skipWhitespace() { while index < bytes.count && HTTPByte.isWhitespace(bytes[index]) { index += 1 } }
        func skipToken() -> Bool {
            let start = index
            while index < bytes.count && HTTPByte.isTokenByte(bytes[index]) { index += 1 }
            return index > start
        }
        while index < bytes.count {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == HTTPByte.semicolon else { return false }
            index += 1
            skipWhitespace()
            guard skipToken() else { return false }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == 0x3D else { continue }  // '='
            index += 1
            skipWhitespace()
            if index < bytes.count && bytes[index] == HTTPByte.quote {
                guard skipQuotedString(bytes, from: &index) else { return false }
            } else if !skipToken() {
                return false
            }
        }
        return true
    }

    /// Skips a quoted-string (RFC 9110 §5.6.4) starting at the opening quote; false if malformed.
    static func skipQuotedString(_ bytes: UnsafeRawBufferPointer, from index: inout Int) -> Bool {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == HTTPByte.quote {
                index += 1
                return true
            }
            if byte == HTTPByte.backslash {
                index += 1
                guard index < bytes.count, HTTPByte.isFieldValueByte(bytes[index]) else { return false }
            } else if !HTTPByte.isFieldValueByte(byte) {
                return false
            }
            index += 1
        }
        return false
    }

    mutating func chunkDataStep(remaining: Int) -> Progress {
        let available = buffer.count - readIndex
        guard available > 0 else { return .needMoreBytes }
        let count = min(available, remaining)
        let range = readIndex..<readIndex + count
        state = count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - count)
        switch bodyMode {
        case .aggregate:
            body.append(contentsOf: buffer[range])
            consume(count)
            return .continueParsing
        case .stream:
            let piece = Array(buffer[range])
            consume(count)
            return .emit(.body(piece))
        }
    }

    mutating func chunkDataEndStep() throws(HTTPParseError) -> Progress {
        let available = buffer.count - readIndex
        guard available > 0 else { return .needMoreBytes }
        switch buffer[readIndex] {
        case HTTPByte.cr: break
        case HTTPByte.lf: throw .bareLineFeed(context: "chunk data terminator")
        default: throw .missingChunkTerminator
        }
        guard available > 1 else { return .needMoreBytes }
        guard buffer[readIndex + 1] == HTTPByte.lf else { throw .missingChunkTerminator }
        consume(2)
        state = .chunkSizeLine
        return .continueParsing
    }

    /// Trailer fields are validated like header fields, counted against the header limits, and
    /// dropped (RFC 9112 §7.1.2 lets a recipient discard them).
    mutating func trailerFieldStep() throws(HTTPParseError) -> Progress {
        guard let line = try nextFieldLine() else { return .needMoreBytes }
        if !line.isEmpty {
            if HTTPByte.isWhitespace(buffer[line.lowerBound]) { throw .obsoleteLineFolding(afterField: "(trailer)") }
            _ = try withBytes(line) { bytes throws(HTTPParseError) in try Self.parseFieldLine(bytes) }
            return .continueParsing
        }
        switch bodyMode {
        case .aggregate:
            let head = takeHeadInProgress()
            let content = body
            body = []
            finishMessage()
            return .emit(.request(head, body: content))
        case .stream:
            finishMessage()
            return .emit(.end)
        }
    }
}
