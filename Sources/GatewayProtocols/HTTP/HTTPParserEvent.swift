// HTTPParserEvent: what the request parser hands out, in wire order. Which cases appear depends on
// the parser's body mode: `.aggregate` yields whole requests, `.stream` yields head/body/end.

/// One event of `HTTPRequestParser.next()`.
public enum HTTPParserEvent: Sendable, Equatable {
    /// Aggregate mode: the head of a request that expects `100 Continue` and has a body. Answer
    /// `100 Continue` (or a final error status, then close); the request itself follows as
    /// `.request` once its body has arrived. Emitted whether or not body bytes arrived already.
    case expectContinue(HTTPRequestHead)
    /// Aggregate mode: a complete request with its whole decoded body (empty when none).
    case request(HTTPRequestHead, body: [UInt8])
    /// Stream mode: a request head; `.body` events (zero or more) and `.end` follow.
    case head(HTTPRequestHead)
    /// Stream mode: the next piece of the decoded body (chunk framing removed). The split into
    /// pieces depends on how bytes arrived; only their concatenation is meaningful.
    case body([UInt8])
    /// Stream mode: the current request is complete (trailers, if any, consumed and discarded).
    case end
}
