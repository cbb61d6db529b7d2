// HTTPRequestParser: incremental HTTP/1.1 request parser (RFC 9112) for one connection. Bytes are
// appended as they arrive, in any split; `next()` pulls events in wire order. Invariant: bytes
// before `readIndex` are consumed; every limit is checked before more than it is buffered per line.

/// A pull parser for the requests of one connection, reused across pipelined requests.
///
/// Usage: `append` whatever the socket delivered, then call `next()` until it returns nil (needs
/// more bytes). Because the caller pulls, it may stop early: to answer in order before parsing
/// the next pipelined request, or to hand the rest of the buffer to another protocol after an
/// upgrade (`takeBufferedBytes()`).
///
/// After a thrown error the parser is terminal: every later `next()` throws the same error, and
/// the connection should be answered with `error.status` and closed.
///
/// Line endings: CRLF is required everywhere; a bare LF is rejected with 400
/// (`.bareLineFeed`). RFC 9112 §2.2 allows accepting it, but refusing is the stricter choice
/// against request smuggling through proxies that disagree, and real clients send CRLF.
///
/// The buffer grows to what the caller appends; a caller that stops pulling (pipelining
/// backpressure) should stop reading the socket when `bufferedByteCount` is high.
public struct HTTPRequestParser: Sendable {
    /// How bodies are delivered.
    public enum BodyMode: Sendable, Equatable {
        /// `.request(head, body:)` once the whole body is in (plus `.expectContinue` first when
        /// the client waits for it). What REST routes use.
        case aggregate
        /// `.head`, zero or more `.body` pieces as bytes arrive, `.end`.
        case stream
    }

    enum State: Sendable, Equatable {
        case requestLine
        case headerFields
        case fixedBody(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerFields
        case messageEnd
        case failed(HTTPParseError)
    }

    /// The parts of the request line, kept until the header section is complete.
    struct RequestLine: Sendable {
        var method: HTTPMethod
        var target: String
        var parsedTarget: HTTPRequestTarget
        var version: HTTPVersion
    }

    enum Progress {
        case needMoreBytes
        case continueParsing
        case emit(HTTPParserEvent)
    }

    public let limits: HTTPParserLimits
    public let bodyMode: BodyMode

    var buffer: [UInt8] = []
    /// First unconsumed byte of `buffer`.
    var readIndex = 0
    /// Where the search for the next LF resumes (never before `readIndex`): keeps drip-fed lines O(n).
    var scanIndex = 0
    var state: State = .requestLine

    // Per-request state, reset by `finishMessage()`.
    var requestLine: RequestLine?
    var headers = HTTPHeaders()
    var headerBytes = 0
    var headerCount = 0
    var currentHead: HTTPRequestHead?
    var body: [UInt8] = []
    var bodyBytes = 0
    var extensionBytes = 0

    public init(limits: HTTPParserLimits = HTTPParserLimits(), bodyMode: BodyMode = .aggregate) {
        self.limits = limits
        self.bodyMode = bodyMode
    }

    /// Bytes appended but not yet consumed by `next()`.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between requests with nothing buffered: an idle timeout may close silently, whereas
    /// a timeout in the middle of a request deserves 408.
    public var isIdle: Bool { state == .requestLine && bufferedByteCount == 0 }

    /// True while the request line or header fields are still arriving (also when idle): the
    /// head deadline applies; once false, the body deadline does.
    public var isReadingHead: Bool { state == .requestLine || state == .headerFields }

    /// True once an error was thrown; the connection must be closed.
    public var hasFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    /// Appends bytes received from the peer. O(n) amortised (consumed bytes are dropped lazily).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// Appends bytes received from the peer.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Lets `fill` write up to `maxCount` bytes straight into the buffer (e.g. a `read(2)` call),
    /// saving a copy. `fill` returns how many bytes it wrote; a result ≤ 0 (EOF, error) appends
    /// nothing. Returns what `fill` returned. Precondition: the result is at most `maxCount`.
    public mutating func append(readingUpTo maxCount: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        precondition(maxCount >= 0, "negative read size")
        compactIfUseful()
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: maxCount))
        let written = buffer.withUnsafeMutableBytes { raw in
            fill(UnsafeMutableRawBufferPointer(rebasing: raw[oldCount..<oldCount + maxCount]))
        }
        precondition(written <= maxCount, "fill wrote more than it was given")
        buffer.removeSubrange((oldCount + max(written, 0))...)
        return written
    }

    /// Removes and returns every unconsumed byte, e.g. the first WebSocket frames that arrived
    /// behind an upgrade request. The parser is then empty and, unless it has failed, ready for a
    /// new request (a partly parsed request is dropped).
    public mutating func takeBufferedBytes() -> [UInt8] {
        let rest = Array(buffer[readIndex...])
        buffer.removeAll(keepingCapacity: true)
        readIndex = 0
        scanIndex = 0
        if !hasFailed { finishMessage() }
        return rest
    }

    /// The next event, or nil when more bytes are needed. Throws when the input violates
    /// HTTP/1.1 or a limit; the error is sticky.
    public mutating func next() throws(HTTPParseError) -> HTTPParserEvent? {
        do {
            while true {
                switch try step() {
                case .needMoreBytes: return nil
                case .continueParsing: continue
                case .emit(let event): return event
                }
            }
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> Progress {
        switch state {
        case .requestLine: return try requestLineStep()
        case .headerFields: return try headerFieldStep()
        case .fixedBody(let remaining): return fixedBodyStep(remaining: remaining)
        case .chunkSizeLine: return try chunkSizeStep()
        case .chunkData(let remaining): return chunkDataStep(remaining: remaining)
        case .chunkDataEnd: return try chunkDataEndStep()
        case .trailerFields: return try trailerFieldStep()
        case .messageEnd:
            finishMessage()
            return .emit(.end)
        case .failed(let error): throw error
        }
    }

    /// Resets the per-request state; the next bytes start a new request.
    mutating func finishMessage() {
        state = .requestLine
        requestLine = nil
        headers = HTTPHeaders()
        headerBytes = 0
        headerCount = 0
        currentHead = nil
        body = []
        bodyBytes = 0
        extensionBytes = 0
    }

    /// Moves the head of the request whose body was just completed out of the parser (no copy).
    /// Invariant: set in every body state.
    mutating func takeHeadInProgress() -> HTTPRequestHead {
        guard let head = currentHead.take() else { preconditionFailure("body state without a request head") }
        return head
    }

    /// Marks `count` bytes at `readIndex` as consumed.
    mutating func consume(_ count: Int) {
        readIndex += count
        scanIndex = readIndex
    }

    /// Drops consumed bytes when that is free (all consumed) or amortised (the consumed prefix is
    /// at least 4 KiB and at least half the buffer, so each byte moves at most once on average).
    private mutating func compactIfUseful() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if readIndex >= 4096 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
        } else {
            return
        }
        scanIndex -= readIndex
        readIndex = 0
    }
}
