// HTTPParserLimits: the byte and count limits the request parser enforces before buffering past
// them. Defaults suit a JSON API gateway; every limit maps to a fixed status (see HTTPParseError).

/// Limits of `HTTPRequestParser`. All sizes in bytes.
public struct HTTPParserLimits: Sendable, Equatable {
    /// Longest request line, CRLF excluded. Exceeding it → 414. Default 8 KiB.
    public var maxRequestLineBytes: Int
    /// All header field lines together, CRLFs included; trailer lines of a chunked body count
    /// against the same budget. Exceeding it → 431. Default 16 KiB.
    public var maxHeaderBytes: Int
    /// Header field lines (plus trailer lines). Exceeding it → 431. Default 100.
    public var maxHeaderCount: Int
    /// Largest body, declared (Content-Length) or accumulated (chunked). Exceeding it → 413.
    /// Default 8 MiB.
    public var maxBodyBytes: Int
    /// All chunk extensions of one message together (guards against bodies of tiny chunks with
    /// huge extensions, which the body limit does not see). Exceeding it → 413. Default 16 KiB.
    public var maxChunkExtensionBytes: Int

    /// Precondition (programmer error): every limit is positive.
    public init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100,
                maxBodyBytes: Int = 8 * 1024 * 1024, maxChunkExtensionBytes: Int = 16 * 1024) {
        precondition(maxRequestLineBytes > 0 && maxHeaderBytes > 0 && maxHeaderCount > 0
                     && maxBodyBytes >= 0 && maxChunkExtensionBytes >= 0, "HTTP parser limits must be positive")
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkExtensionBytes = maxChunkExtensionBytes
    }
}
