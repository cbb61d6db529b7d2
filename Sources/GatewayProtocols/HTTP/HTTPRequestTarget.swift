// HTTPRequestTarget: splits a request-target (RFC 9112 §3.2) into decoded path, path segments and
// query items. Accepts origin-form, absolute-form (http/https) and asterisk-form (OPTIONS only);
// rejects fragments, bad percent escapes, invalid UTF-8 and control bytes in the decoded path.

struct HTTPRequestTarget: Sendable, Equatable {
    var path: String
    var pathSegments: [String]
    var queryItems: [HTTPQueryItem]

    /// Parses `bytes` (the raw target). O(n); allocates the decoded strings only.
    static func parse(_ bytes: UnsafeRawBufferPointer, method: HTTPMethod) throws(HTTPParseError) -> HTTPRequestTarget {
        func reject(_ reason: String) -> HTTPParseError {
            .invalidTarget(target: HTTPByte.evidence(bytes), reason: reason)
        }
        guard !bytes.isEmpty else { throw reject("empty") }
        guard bytes.allSatisfy(HTTPByte.isTargetByte) else { throw reject("byte outside visible ASCII") }
        if bytes.count == 1 && bytes[0] == 0x2A {  // "*"
            guard method == .options else { throw reject("asterisk-form is only allowed with OPTIONS") }
            return HTTPRequestTarget(path: "*", pathSegments: [], queryItems: [])
        }
        if bytes.contains(0x23) { throw reject("fragment ('#') not allowed") }
        let pathStart = try originStart(bytes, reject: reject)
        var pathEnd = pathStart
        while pathEnd < bytes.count && bytes[pathEnd] != HTTPByte.question { pathEnd += 1 }

        let rawPath = UnsafeRawBufferPointer(rebasing: bytes[pathStart..<pathEnd])
        var scratch: [UInt8] = []
        let path: String
        if rawPath.isEmpty {
            path = "/"
        } else {
            guard let decoded = decode(rawPath, plusAsSpace: false, scratch: &scratch) else {
                throw reject("bad percent-encoding or invalid UTF-8 in path")
            }
            guard !scratch.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { throw reject("control character in path") }
            path = decoded
        }
        let segments = try pathSegments(rawPath, scratch: &scratch, reject: reject)
        let query = pathEnd < bytes.count ? UnsafeRawBufferPointer(rebasing: bytes[(pathEnd + 1)...]) : UnsafeRawBufferPointer(start: nil, count: 0)
        let items = try queryItems(query, scratch: &scratch, reject: reject)
        return HTTPRequestTarget(path: path, pathSegments: segments, queryItems: items)
    }

    /// Offset where the path begins: 0 for origin-form, after the authority for absolute-form.
    private static func originStart(_ bytes: UnsafeRawBufferPointer, reject: (String) -> HTTPParseError) throws(HTTPParseError) -> Int {
        if bytes[0] == HTTPByte.slash { return 0 }
        let schemeLength: Int
        if hasPrefix(bytes, "http://") {
            schemeLength = 7
        } else if hasPrefix(bytes, "https://") {
            schemeLength = 8
        } else {
            throw reject("not origin-form ('/…') or absolute-form (http://…)")
        }
        var index = schemeLength
        while index < bytes.count && bytes[index] != HTTPByte.slash && bytes[index] != HTTPByte.question { index += 1 }
        guard index > schemeLength else { throw reject("empty authority") }
        return index
    }

    private static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        let wanted = UnsafeRawBufferPointer(prefix)
        guard bytes.count >= wanted.count else { return false }
        return HTTPByte.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes[0..<wanted.count]), wanted)
    }

    private static func pathSegments(_ rawPath: UnsafeRawBufferPointer, scratch: inout [UInt8],
                                     reject: (String) -> HTTPParseError) throws(HTTPParseError) -> [String] {
        var segments: [String] = []
        var start = 0
        for index in 0...rawPath.count where index == rawPath.count || rawPath[index] == HTTPByte.slash {
            if index > start {
                guard let segment = decode(UnsafeRawBufferPointer(rebasing: rawPath[start..<index]), plusAsSpace: false, scratch: &scratch) else {
                    throw reject("bad percent-encoding or invalid UTF-8 in path segment")
                }
                segments.append(segment)
            }
            start = index + 1
        }
        return segments
    }

    private static func queryItems(_ query: UnsafeRawBufferPointer, scratch: inout [UInt8],
                                   reject: (String) -> HTTPParseError) throws(HTTPParseError) -> [HTTPQueryItem] {
        var items: [HTTPQueryItem] = []
        var start = 0
        for index in 0...query.count where index == query.count || query[index] == 0x26 {  // '&'
            defer { start = index + 1 }
            guard index > start else { continue }
            let pair = UnsafeRawBufferPointer(rebasing: query[start..<index])
            let equals = pair.firstIndex(of: 0x3D) ?? pair.count  // '='
            let name = decode(UnsafeRawBufferPointer(rebasing: pair[0..<equals]), plusAsSpace: true, scratch: &scratch)
            let valueBytes = equals < pair.count ? UnsafeRawBufferPointer(rebasing: pair[(equals + 1)...]) : UnsafeRawBufferPointer(start: nil, count: 0)
            let value = decode(valueBytes, plusAsSpace: true, scratch: &scratch)
            guard let name, let value else { throw reject("bad percent-encoding or invalid UTF-8 in query") }
            items.append(HTTPQueryItem(name: name, value: value))
        }
        return items
    }

    /// Percent-decodes `bytes` (and `+` as space when asked) into a validated UTF-8 string; nil on
    /// a malformed escape or invalid UTF-8. `scratch` is reused: afterwards it holds the decoded
    /// bytes when there was something to decode, and is empty on the fast path (no escapes, so the
    /// result is the visible ASCII input itself).
    static func decode(_ bytes: UnsafeRawBufferPointer, plusAsSpace: Bool, scratch: inout [UInt8]) -> String? {
        let plus: UInt8 = 0x2B
        scratch.removeAll(keepingCapacity: true)
        guard bytes.contains(where: { $0 == HTTPByte.percent || (plusAsSpace && $0 == plus) }) else {
            return String(decoding: bytes, as: UTF8.self)  // visible ASCII: always valid, no control byte
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == HTTPByte.percent {
                guard index + 2 < bytes.count,
                      let high = HTTPByte.hexValue(bytes[index + 1]),
                      let low = HTTPByte.hexValue(bytes[index + 2]) else { return nil }
                scratch.append(high << 4 | low)
                index += 3
            } else {
                scratch.append(plusAsSpace && byte == plus ? HTTPByte.space : byte)
                index += 1
            }
        }
        return String(validating: scratch, as: UTF8.self)
    }
}
