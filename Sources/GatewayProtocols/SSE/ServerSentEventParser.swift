// Client-side text/event-stream parser following the WHATWG HTML "event stream
// interpretation" (§9.2.6), incremental over any byte split. Used by the load generator and
// tests. Invariant: a line is only interpreted once its terminator (CR, LF or CRLF) is seen.

/// A dispatched event.
public struct ServerSentEvent: Equatable, Sendable {
    /// The event type: the `event:` field, or `message` when absent or empty.
    public var type: String
    /// The `data:` lines joined with `\n`.
    public var data: String
    /// The stream's last event ID at dispatch time (persists across events).
    public var lastEventID: String

    public init(type: String = "message", data: String, lastEventID: String = "") {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }
}

/// Why the parser stopped. The WHATWG algorithm itself never fails; the limit protects memory.
public enum ServerSentEventParseError: Error, Equatable, Sendable {
    /// A line (or the data of one event) grew beyond `limit` bytes.
    case lineTooLong(limit: Int)
}

/// Parses one event stream. Feed bytes in order; events come out when their blank line ends.
public struct ServerSentEventParser: Sendable {
    /// Upper bound in bytes for one line and for one event's accumulated data.
    public let maxLineBytes: Int
    /// The last event ID (set by `id:` fields without NUL, applied on dispatch).
    public private(set) var lastEventID: String = ""
    /// Reconnection time in milliseconds from the latest valid `retry:` field, nil if none.
    public private(set) var reconnectionTimeMilliseconds: UInt64?

    /// The stream starts with an optional UTF-8 BOM (EF BB BF) that is stripped once.
    private var bomBytesMatched = 0
    private var bomResolved = false
    /// Bytes of the line in progress (without terminator).
    private var line: [UInt8] = []
    /// The previous chunk ended with CR: an LF at the start of the next one belongs to it.
    private var pendingCarriageReturn = false
    private var dataBuffer: [UInt8] = []
    private var eventTypeBuffer: [UInt8] = []
    private var lastEventIDBuffer: [UInt8] = []

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    public init(maxLineBytes: Int = 1 << 20) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        self.maxLineBytes = maxLineBytes
    }

    /// Consumes `bytes` and appends each dispatched event to `events`. Complexity O(n).
    /// - Throws: `lineTooLong` when a line or an event's data exceeds `maxLineBytes`.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, into events: inout [ServerSentEvent]) throws(ServerSentEventParseError) {
        var index = 0
        while !bomResolved && index < bytes.count {
            if bytes[index] == Self.byteOrderMark[bomBytesMatched] {
                bomBytesMatched += 1
                index += 1
                bomResolved = bomBytesMatched == 3
            } else {
                // Not a BOM: the bytes matched so far are ordinary input.
                bomResolved = true
                try consume(Self.byteOrderMark[..<bomBytesMatched], into: &events)
            }
        }
        try consume(UnsafeRawBufferPointer(rebasing: bytes[index...]), into: &events)
    }

    /// Consumes `bytes`; same contract as the raw-buffer form.
    public mutating func parse(_ bytes: [UInt8], into events: inout [ServerSentEvent]) throws(ServerSentEventParseError) {
        var failure: ServerSentEventParseError?
        bytes.withUnsafeBytes { raw in
            do throws(ServerSentEventParseError) {
                try parse(raw, into: &events)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// End of stream: an event not yet terminated by a blank line is discarded (WHATWG), and
    /// the parser is ready for a new connection (the last event ID and retry are kept).
    public mutating func finish() {
        line.removeAll(keepingCapacity: true)
        dataBuffer.removeAll(keepingCapacity: true)
        eventTypeBuffer.removeAll(keepingCapacity: true)
        lastEventIDBuffer = Array(lastEventID.utf8)
        pendingCarriageReturn = false
        bomBytesMatched = 0
        bomResolved = false
    }

    /// Splits `bytes` into lines (CR, LF or CRLF, across chunk boundaries) and processes them.
    private mutating func consume<C: Collection>(_ bytes: C, into events: inout [ServerSentEvent]) throws(ServerSentEventParseError) where C.Element == UInt8 {
        for byte in bytes {
            if pendingCarriageReturn {
                pendingCarriageReturn = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0D:
                pendingCarriageReturn = true
                try processLine(into: &events)
            case 0x0A:
                try processLine(into: &events)
            default:
                guard line.count < maxLineBytes else { throw .lineTooLong(limit: maxLineBytes) }
                line.append(byte)
            }
        }
    }

    /// Interprets one complete line (WHATWG: blank → dispatch, `:` → comment, else a field).
    private mutating func processLine(into events: inout [ServerSentEvent]) throws(ServerSentEventParseError) {
        defer { line.removeAll(keepingCapacity: true) }
        guard let first = line.first else {
            dispatch(into: &events)
            return
        }
        if first == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let nameEnd = colon ?? line.endIndex
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        try processField(name: line[..<nameEnd], value: line[valueStart...])
    }

    private mutating func processField(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) throws(ServerSentEventParseError) {
        switch String(decoding: name, as: UTF8.self) {
        case "event":
            eventTypeBuffer = Array(value)
        case "data":
            guard dataBuffer.count + value.count < maxLineBytes else { throw .lineTooLong(limit: maxLineBytes) }
            dataBuffer.append(contentsOf: value)
            dataBuffer.append(0x0A)
        case "id":
            if !value.contains(0) { lastEventIDBuffer = Array(value) }
        case "retry":
            if let milliseconds = Self.decimal(value) { reconnectionTimeMilliseconds = milliseconds }
        default:
            break  // unknown fields are ignored
        }
    }

    /// WHATWG "dispatch the event": commit the last event ID, skip if there is no data, strip
    /// the final LF, and reset the data and type buffers (not the ID buffer).
    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        lastEventID = String(decoding: lastEventIDBuffer, as: UTF8.self)
        defer {
            dataBuffer.removeAll(keepingCapacity: true)
            eventTypeBuffer.removeAll(keepingCapacity: true)
        }
        guard !dataBuffer.isEmpty else { return }
        let data = String(decoding: dataBuffer.dropLast(), as: UTF8.self)
        let type = eventTypeBuffer.isEmpty ? "message" : String(decoding: eventTypeBuffer, as: UTF8.self)
        events.append(ServerSentEvent(type: type, data: data, lastEventID: lastEventID))
    }

    /// The value when it is one or more ASCII digits and fits in UInt64, else nil (ignored).
    private static func decimal(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var result: UInt64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { return nil }
            result = sum
        }
        return result
    }
}
