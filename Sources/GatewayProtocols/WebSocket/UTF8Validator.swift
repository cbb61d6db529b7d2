// Incremental UTF-8 validation (RFC 3629) whose state survives arbitrary splits of the input.
// Invariant: `state` is `.invalid` from the first byte that no valid UTF-8 text could contain
// at that position, and stays there; overlongs, surrogates and scalars > U+10FFFF never pass.

/// A streaming UTF-8 validator: a deterministic automaton over bytes.
///
/// It fails fast: `validate` returns false on the very byte that makes the prefix seen so far
/// impossible to complete (e.g. `E0 80`, `ED A0`, `F4 90`, `C0`, `F5`), which is what RFC 6455
/// §8.1 asks of a WebSocket endpoint and what Autobahn cases 6.4.x measure. The value is
/// 2 words; copy or reset it freely.
public struct UTF8Validator: Sendable, Equatable {
    /// Automaton states. Names say what the next byte must be.
    private enum State: UInt8, Sendable {
        /// Between characters: any lead byte or ASCII.
        case boundary
        /// 1, 2 or 3 more continuation bytes (80–BF).
        case needs1, needs2, needs3
        /// After E0: A0–BF (shorter forms would be overlong), then 1 more.
        case afterE0
        /// After ED: 80–9F (A0–BF would encode a surrogate U+D800–DFFF), then 1 more.
        case afterED
        /// After F0: 90–BF (80–8F would be overlong), then 2 more.
        case afterF0
        /// After F4: 80–8F (90–BF would exceed U+10FFFF), then 2 more.
        case afterF4
        /// A byte was seen that cannot appear here; sticky.
        case invalid
    }

    /// Bytes accepted so far (the 0-based offset of the next byte in the whole stream).
    /// Declared before `state` so the value packs into 9 bytes inside other structs.
    public private(set) var acceptedByteCount: Int = 0
    private var state: State = .boundary

    public init() {}

    /// True iff no invalid byte was seen and the bytes so far end on a character boundary,
    /// i.e. the whole input is complete, valid UTF-8.
    public var isComplete: Bool { state == .boundary }

    /// True once an impossible byte was seen; further input is ignored.
    public var hasFailed: Bool { state == .invalid }

    /// 0-based offset (in the whole stream since `init`/`reset`) of the first invalid byte,
    /// or nil while the input is still a valid prefix.
    public var invalidByteOffset: Int? { hasFailed ? acceptedByteCount : nil }

    /// Forgets all input.
    public mutating func reset() { self = UTF8Validator() }

    /// Feeds the next bytes of the stream. Returns false iff the stream (so far) can no
    /// longer be valid UTF-8; a true result may still end mid-character (see `isComplete`).
    /// Complexity O(n); ASCII runs are skipped 8 bytes at a time.
    public mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard state != .invalid else { return false }
        var index = 0
        let count = bytes.count
        var current = state
        while index < count {
            if current == .boundary {
                index = Self.skipASCII(bytes, from: index)
                if index == count { break }
            }
            current = Self.transition(current, bytes[index])
            if current == .invalid {
                acceptedByteCount += index
                state = .invalid
                return false
            }
            index += 1
        }
        acceptedByteCount += count
        state = current
        return true
    }

    /// Feeds `bytes`; same contract as the raw-buffer overload.
    public mutating func validate(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { validate($0) }
    }

    /// Returns the index of the first non-ASCII byte at or after `start` (or `bytes.count`).
    @inline(__always)
    private static func skipASCII(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        let count = bytes.count
        while index + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < count && bytes[index] < 0x80 { index += 1 }
        return index
    }

    /// One step of the automaton (RFC 3629 §4 table of well-formed byte sequences).
    @inline(__always)
    private static func transition(_ state: State, _ byte: UInt8) -> State {
        switch state {
        case .boundary:
            switch byte {
            case 0x00...0x7F: return .boundary
            case 0xC2...0xDF: return .needs1
            case 0xE0: return .afterE0
            case 0xED: return .afterED
            case 0xE1...0xEF: return .needs2
            case 0xF0: return .afterF0
            case 0xF1...0xF3: return .needs3
            case 0xF4: return .afterF4
            default: return .invalid  // 80–BF stray continuation, C0/C1 overlong, F5–FF beyond U+10FFFF
            }
        case .needs1: return isContinuation(byte) ? .boundary : .invalid
        case .needs2: return isContinuation(byte) ? .needs1 : .invalid
        case .needs3: return isContinuation(byte) ? .needs2 : .invalid
        case .afterE0: return (0xA0...0xBF).contains(byte) ? .needs1 : .invalid
        case .afterED: return (0x80...0x9F).contains(byte) ? .needs1 : .invalid
        case .afterF0: return (0x90...0xBF).contains(byte) ? .needs2 : .invalid
        case .afterF4: return (0x80...0x8F).contains(byte) ? .needs2 : .invalid
        case .invalid: return .invalid
        }
    }

    @inline(__always)
    private static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}
