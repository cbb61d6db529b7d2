// Writes text/event-stream events (WHATWG HTML §9.2) into caller-owned reusable buffers.
// Invariant: every event written ends with a blank line, and no field value contains a line
// break (data is split into one `data:` line per line; ids and names are checked).

/// Appends Server-Sent Events to a byte buffer. Stateless; all functions only append.
///
/// Field order is `id`, `event`, `data`…, `retry`, then the blank line that dispatches the
/// event. Values are written after `": "`, so a value's own leading space survives parsing.
public enum ServerSentEventEncoder {
    /// Appends one complete event.
    /// - Parameters:
    ///   - id: written as `id: <decimal>`; becomes the client's `Last-Event-ID`.
    ///   - event: event type; nil means the default `message`. Must not contain CR, LF (trap).
    ///   - data: payload bytes; every CR, LF or CRLF starts a new `data:` line, so the client
    ///     reassembles it with `\n` line ends. An empty payload writes one empty `data:` line
    ///     (the event is still dispatched, with empty data).
    ///   - retryMilliseconds: reconnection delay hint, written as `retry: <decimal>`.
    public static func writeEvent(id: UInt64? = nil, event: String? = nil, data: UnsafeRawBufferPointer,
                                  retryMilliseconds: UInt64? = nil, into buffer: inout [UInt8]) {
        writeHeaderFields(id: id, event: event, into: &buffer)
        writeDataLines(data, into: &buffer)
        if let retryMilliseconds { writeRetry(milliseconds: retryMilliseconds, into: &buffer) }
        buffer.append(lineFeed)
    }

    /// Appends one complete event whose data is `data`'s UTF-8; same contract as the byte form.
    public static func writeEvent(id: UInt64? = nil, event: String? = nil, data: String,
                                  retryMilliseconds: UInt64? = nil, into buffer: inout [UInt8]) {
        var text = data
        text.withUTF8 { utf8 in
            writeEvent(id: id, event: event, data: UnsafeRawBufferPointer(utf8),
                       retryMilliseconds: retryMilliseconds, into: &buffer)
        }
    }

    /// Appends one complete event whose data is `data`; same contract as the raw-buffer form.
    public static func writeEvent(id: UInt64? = nil, event: String? = nil, data: [UInt8],
                                  retryMilliseconds: UInt64? = nil, into buffer: inout [UInt8]) {
        data.withUnsafeBytes { bytes in
            writeEvent(id: id, event: event, data: bytes, retryMilliseconds: retryMilliseconds, into: &buffer)
        }
    }

    /// Appends everything of an event that precedes its single-line data: `id:`, `event:` and
    /// `data: `. The caller then sends the payload (e.g. a shared pre-encoded JSON document,
    /// gathered with `writev` instead of copied) and `writeEventSuffix`. The payload MUST NOT
    /// contain CR or LF — true of our JSON writer, which escapes control characters; check
    /// with `containsLineBreak` in tests or debug builds.
    public static func writeEventPrefix(id: UInt64? = nil, event: String? = nil, into buffer: inout [UInt8]) {
        writeHeaderFields(id: id, event: event, into: &buffer)
        buffer.append(contentsOf: dataFieldPrefix)
    }

    /// Appends the end of an event started with `writeEventPrefix`: the data line's LF and the
    /// blank line that dispatches the event.
    public static func writeEventSuffix(into buffer: inout [UInt8]) {
        buffer.append(lineFeed)
        buffer.append(lineFeed)
    }

    /// The bytes of `writeEventSuffix` (for a static gather slot).
    public static let eventSuffix: [UInt8] = [0x0A, 0x0A]

    /// Appends a comment (`: text`), e.g. `keep-alive` heartbeats that keep proxies from timing
    /// out the stream. Clients ignore comments; no blank line is needed. Multi-line text becomes
    /// several comment lines.
    public static func writeComment(_ text: String, into buffer: inout [UInt8]) {
        let lines = text.utf8.split(omittingEmptySubsequences: false) { $0 == carriageReturn || $0 == lineFeed }
        for line in lines {
            buffer.append(UInt8(ascii: ":"))
            if !line.isEmpty { buffer.append(UInt8(ascii: " ")) }
            buffer.append(contentsOf: line)
            buffer.append(lineFeed)
        }
    }

    /// Appends a standalone `retry:` field line (takes effect without dispatching an event).
    public static func writeRetry(milliseconds: UInt64, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: retryFieldPrefix)
        appendDecimal(milliseconds, into: &buffer)
        buffer.append(lineFeed)
    }

    /// True iff `bytes` contains CR or LF (and so cannot go between a prefix and a suffix).
    public static func containsLineBreak(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.contains { $0 == carriageReturn || $0 == lineFeed }
    }

    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    private static let dataFieldPrefix: [UInt8] = Array("data: ".utf8)
    private static let idFieldPrefix: [UInt8] = Array("id: ".utf8)
    private static let eventFieldPrefix: [UInt8] = Array("event: ".utf8)
    private static let retryFieldPrefix: [UInt8] = Array("retry: ".utf8)

    private static func writeHeaderFields(id: UInt64?, event: String?, into buffer: inout [UInt8]) {
        if let id {
            buffer.append(contentsOf: idFieldPrefix)
            appendDecimal(id, into: &buffer)
            buffer.append(lineFeed)
        }
        if let event {
            precondition(!event.utf8.contains(carriageReturn) && !event.utf8.contains(lineFeed),
                         "an SSE event type cannot contain a line break")
            buffer.append(contentsOf: eventFieldPrefix)
            buffer.append(contentsOf: event.utf8)
            buffer.append(lineFeed)
        }
    }

    /// One `data: ` line per line of `data`; CR, LF and CRLF all end a line.
    private static func writeDataLines(_ data: UnsafeRawBufferPointer, into buffer: inout [UInt8]) {
        var lineStart = 0
        var index = 0
        while index < data.count {
            let byte = data[index]
            guard byte == carriageReturn || byte == lineFeed else {
                index += 1
                continue
            }
            appendDataLine(UnsafeRawBufferPointer(rebasing: data[lineStart..<index]), into: &buffer)
            index += (byte == carriageReturn && index + 1 < data.count && data[index + 1] == lineFeed) ? 2 : 1
            lineStart = index
        }
        appendDataLine(UnsafeRawBufferPointer(rebasing: data[lineStart..<data.count]), into: &buffer)
    }

    private static func appendDataLine(_ line: UnsafeRawBufferPointer, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: dataFieldPrefix)
        buffer.append(contentsOf: line)
        buffer.append(lineFeed)
    }

    /// Appends `value` in base 10 without a temporary String.
    static func appendDecimal(_ value: UInt64, into buffer: inout [UInt8]) {
        guard value != 0 else {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        let start = buffer.count
        var rest = value
        while rest != 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        buffer[start...].reverse()
    }
}
