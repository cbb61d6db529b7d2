// The head of an HTTP/1.1 response as the load generator's clients need it: status, a few
// headers, and where the body starts. Invariant: nothing is parsed before the blank line.

/// A parsed response head. Header names are lower-cased; values are trimmed.
struct HTTPResponseHead: Equatable {
    enum Failure: Error, Equatable {
        /// The status line is not `HTTP/1.x NNN …`.
        case badStatusLine(String)
        /// A header line without a colon.
        case badHeaderLine(String)
        /// Content-Length is not a non-negative integer.
        case badContentLength(String)
        /// The head grew past the limit without a blank line.
        case tooLong(Int)
    }

    var status: Int
    var headers: [(name: String, value: String)]
    /// Bytes of the head including the blank line: the body starts here.
    var length: Int

    static func == (a: HTTPResponseHead, b: HTTPResponseHead) -> Bool {
        a.status == b.status && a.length == b.length && a.headers.elementsEqual(b.headers) { $0 == $1 }
    }

    /// The first value of header `name` (lower-case), nil if absent.
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// The Content-Length value, nil if absent.
    func contentLength() throws(Failure) -> Int? {
        guard let text = header("content-length") else { return nil }
        guard let n = Int(text), n >= 0 else { throw .badContentLength(text) }
        return n
    }

    /// Parses the head at the start of `bytes`; nil while the blank line has not arrived.
    static func parse(_ bytes: UnsafeRawBufferPointer, maxLength: Int = 64 << 10) throws(Failure) -> HTTPResponseHead? {
        guard let end = headEnd(bytes) else {
            if bytes.count > maxLength { throw .tooLong(bytes.count) }
            return nil
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end - 4]), as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        let statusLine = lines.popFirst() ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            throw .badStatusLine(String(statusLine))
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .badHeaderLine(String(line)) }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append((name, String(value.reversed().drop { $0 == " " || $0 == "\t" }.reversed())))
        }
        return HTTPResponseHead(status: status, headers: headers, length: end)
    }

    /// The index just after the first CRLF CRLF, nil if absent.
    static func headEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 0x0D && bytes[i + 1] == 0x0A && bytes[i + 2] == 0x0D && bytes[i + 3] == 0x0A {
            return i + 4
        }
        return nil
    }
}
