// HTTPRequestParser+Head: line framing, the request line and header field lines (RFC 9112 §3, §5).
// Each line is parsed once, when its CRLF arrives; limits are checked against the bytes buffered.

extension HTTPRequestParser {
    /// The content range (CRLF excluded) of the next complete line, consuming it; nil when the line
    /// is not complete yet. Looks at most `limit + 2` bytes ahead, so an over-long line fails as
    /// soon as that many bytes are buffered, whatever the split.
    mutating func nextLine(limit: Int, context: String, tooLong: HTTPParseError) throws(HTTPParseError) -> Range<Int>? {
        let searchEnd = min(buffer.count, readIndex + limit + 2)
        let start = scanIndex
        let lineFeed: Int? = buffer.withUnsafeBufferPointer { bytes in
            var index = start
            while index < searchEnd {
                if bytes[index] == HTTPByte.lf { return index }
                index += 1
            }
            return nil
        }
        guard let lineFeed else {
            if searchEnd - readIndex >= limit + 2 { throw tooLong }
            scanIndex = searchEnd
            return nil
        }
        guard lineFeed > readIndex, buffer[lineFeed - 1] == HTTPByte.cr else { throw .bareLineFeed(context: context) }
        let line = readIndex..<lineFeed - 1
        consume(lineFeed + 1 - readIndex)
        return line
    }

    /// Runs `body` over the bytes of `range` (valid only during the call).
    func withBytes<R, E: Error>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try buffer.withUnsafeBytesTyped { raw throws(E) in try body(UnsafeRawBufferPointer(rebasing: raw[range])) }
    }

    mutating func requestLineStep() throws(HTTPParseError) -> Progress {
        guard let line = try nextLine(limit: limits.maxRequestLineBytes, context: "request line",
                                      tooLong: .requestLineTooLong(limit: limits.maxRequestLineBytes)) else {
            return .needMoreBytes
        }
        // RFC 9112 §2.2: ignore empty lines before a request line (old clients send CRLF after a POST body).
        if line.isEmpty { return .continueParsing }
        requestLine = try withBytes(line) { bytes throws(HTTPParseError) in try Self.parseRequestLine(bytes) }
        // Typical API requests carry 5–15 fields in a few hundred bytes; larger ones grow as usual.
        headers.reserveCapacity(bytes: 512, fields: 16)
        state = .headerFields
        return .continueParsing
    }

    /// `method SP request-target SP HTTP-version`, single spaces, nothing else.
    static func parseRequestLine(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> RequestLine {
        func malformed() -> HTTPParseError { .malformedRequestLine(line: HTTPByte.evidence(line)) }
        guard let firstSpace = line.firstIndex(of: HTTPByte.space), firstSpace > 0 else { throw malformed() }
        let methodBytes = UnsafeRawBufferPointer(rebasing: line[0..<firstSpace])
        guard methodBytes.allSatisfy(HTTPByte.isTokenByte) else { throw .invalidMethod(method: HTTPByte.evidence(methodBytes)) }
        let afterMethod = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)...])
        guard let secondSpace = afterMethod.firstIndex(of: HTTPByte.space), secondSpace > 0 else { throw malformed() }
        let targetBytes = UnsafeRawBufferPointer(rebasing: afterMethod[0..<secondSpace])
        let versionBytes = UnsafeRawBufferPointer(rebasing: afterMethod[(secondSpace + 1)...])

        let version = try parseVersion(versionBytes)
        let method = HTTPMethod(bytes: methodBytes)
        let parsedTarget = try HTTPRequestTarget.parse(targetBytes, method: method)
        return RequestLine(method: method, target: String(decoding: targetBytes, as: UTF8.self),
                           parsedTarget: parsedTarget, version: version)
    }

    /// `HTTP/1.0` or `HTTP/1.1`; other `HTTP/d.d` → 505; anything else → 400.
    static func parseVersion(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> HTTPVersion {
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        guard bytes.count == 8, memoryEquals(UnsafeRawBufferPointer(rebasing: bytes[0..<5]), UnsafeRawBufferPointer("HTTP/")),
              isDigit(bytes[5]), bytes[6] == 0x2E, isDigit(bytes[7]) else {
            throw .malformedVersion(version: HTTPByte.evidence(bytes))
        }
        switch (bytes[5], bytes[7]) {
        case (0x31, 0x31): return .http11
        case (0x31, 0x30): return .http10
        default: throw .unsupportedVersion(version: HTTPByte.evidence(bytes))
        }
    }

    mutating func headerFieldStep() throws(HTTPParseError) -> Progress {
        guard let line = try nextFieldLine() else { return .needMoreBytes }
        if line.isEmpty { return try finishHead() }
        if HTTPByte.isWhitespace(buffer[line.lowerBound]) {
            throw .obsoleteLineFolding(afterField: headers.isEmpty ? "(request line)" : headers[offset: headers.count - 1].name)
        }
        let field = try withBytes(line) { bytes throws(HTTPParseError) in try Self.parseFieldLine(bytes) }
        let received = buffer  // a second reference, not a copy: `buffer` is not mutated below
        received.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[line])
            headers.appendValidated(name: UnsafeRawBufferPointer(rebasing: bytes[field.name]),
                                    value: UnsafeRawBufferPointer(rebasing: bytes[field.value]))
        }
        return .continueParsing
    }

    /// The next header or trailer line, charged against the shared byte and count budgets.
    mutating func nextFieldLine() throws(HTTPParseError) -> Range<Int>? {
        let budget = limits.maxHeaderBytes - headerBytes
        guard let line = try nextLine(limit: max(budget - 2, 0), context: "header section",
                                      tooLong: .headerSectionTooLarge(limit: limits.maxHeaderBytes)) else {
            return nil
        }
        guard !line.isEmpty else { return line }
        headerCount += 1
        if headerCount > limits.maxHeaderCount { throw .tooManyHeaderFields(limit: limits.maxHeaderCount) }
        headerBytes += line.count + 2
        return line
    }

    /// Splits `name: OWS value OWS`, validating the name as a token and the value's bytes.
    /// Returns ranges relative to `line`. Precondition: `line` is not empty and the caller has
    /// rejected a leading SP/HTAB (obs-fold) already.
    static func parseFieldLine(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> (name: Range<Int>, value: Range<Int>) {
        var colon = 0
        while colon < line.count && HTTPByte.isTokenByte(line[colon]) { colon += 1 }
        guard colon < line.count, colon > 0 else {
            throw .invalidHeaderName(field: HTTPByte.evidence(UnsafeRawBufferPointer(rebasing: line[0..<colon])))
        }
        let name = 0..<colon
        func nameText() -> String { HTTPByte.evidence(UnsafeRawBufferPointer(rebasing: line[name])) }
        if line[colon] != HTTPByte.colon {
            var probe = colon
            while probe < line.count && HTTPByte.isWhitespace(line[probe]) { probe += 1 }
            if probe > colon && probe < line.count && line[probe] == HTTPByte.colon {
                throw .whitespaceBeforeColon(field: nameText())
            }
            throw .invalidHeaderName(field: HTTPByte.evidence(UnsafeRawBufferPointer(rebasing: line[0...colon])))
        }
        var lower = colon + 1
        var upper = line.count
        while lower < upper && HTTPByte.isWhitespace(line[lower]) { lower += 1 }
        while upper > lower && HTTPByte.isWhitespace(line[upper - 1]) { upper -= 1 }
        for index in lower..<upper where !HTTPByte.isFieldValueByte(line[index]) {
            throw .invalidHeaderValue(field: nameText())
        }
        return (name, lower..<upper)
    }

    /// The header section is complete: validate the head and choose the body framing.
    mutating func finishHead() throws(HTTPParseError) -> Progress {
        guard let line = requestLine else { preconditionFailure("header section without request line") }
        let head = try HTTPRequestHead(method: line.method, target: line.target, parsedTarget: line.parsedTarget,
                                       version: line.version, headers: headers)
        if let length = head.contentLength, length > limits.maxBodyBytes { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
        if head.isChunked {
            state = .chunkSizeLine
        } else if let length = head.contentLength, length > 0 {
            state = .fixedBody(remaining: length)
        } else if bodyMode == .aggregate {
            finishMessage()
            return .emit(.request(head, body: []))
        } else {
            state = .messageEnd
            return .emit(.head(head))
        }
        currentHead = head
        switch bodyMode {
        case .stream: return .emit(.head(head))
        case .aggregate: return head.expectsContinue ? .emit(.expectContinue(head)) : .continueParsing
        }
    }
}
