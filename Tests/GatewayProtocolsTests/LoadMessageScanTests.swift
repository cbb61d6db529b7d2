// The load generator's byte scanner finds `t`, `type` and `score` in messages shaped exactly as
// the gateway writes them, and never mistakes `by_score` or other fields for them.
import Testing
@testable import overtake_load

struct LoadMessageScanTests {
    static func header(_ text: String) -> MessageHeader {
        Array(text.utf8).withUnsafeBytes { MessageScan.header($0) }
    }

    static func score(_ text: String) -> Int64? {
        Array(text.utf8).withUnsafeBytes { bytes in MessageScan.score(bytes, from: MessageScan.header(bytes).typeEnd) }
    }

    @Test(arguments: [
        (#"{"seq":5,"t":1795392000123456789,"pseq":12,"type":"rank","board":"a","old_rank":14,"new_rank":9,"score":1200}"#, ServerMessageKind.rank),
        (#"{"seq":6,"t":1795392000123456789,"pseq":13,"type":"overtaken","rank":12,"score":1100,"by":"bob"}"#, .overtaken),
        (#"{"seq":7,"t":1795392000123456789,"pseq":14,"type":"top_entry","rank":87}"#, .topEntry),
        (#"{"seq":7,"t":1795392000123456789,"pseq":14,"type":"top_exit","rank":101}"#, .topExit),
        (#"{"seq":8,"t":1795392000123456789,"id":3,"type":"board","size":5}"#, .board),
        (#"{"seq":9,"t":1795392000123456789,"id":3,"type":"snapshot","top":[]}"#, .snapshot),
        (#"{"seq":1,"t":1795392000123456789,"type":"ack","request":"subscribe"}"#, .ack),
        (#"{"seq":2,"t":1795392000123456789,"type":"error","code":"x"}"#, .error),
        (#"{"seq":3,"t":1795392000123456789,"type":"pong","id":7}"#, .pong),
        (#"{"seq":4,"t":1795392000123456789,"type":"reset","reason":"gap_too_large"}"#, .reset),
        (#"{"seq":4,"t":1795392000123456789,"type":"surprise"}"#, .other),
    ])
    func findsTheSendTimeAndType(text: String, kind: ServerMessageKind) {
        let h = Self.header(text)
        #expect(h.kind == kind)
        #expect(h.sentAt == 1_795_392_000_123_456_789)
    }

    @Test func readsTheScoreAfterTheTypeButNeverByScore() {
        #expect(Self.score(#"{"seq":5,"t":1,"pseq":1,"type":"rank","old_rank":0,"new_rank":9,"score":-1200}"#) == -1200)
        #expect(Self.score(#"{"seq":6,"t":1,"pseq":2,"type":"overtaken","by":"b","by_score":7,"score":3}"#) == 3)
        #expect(Self.score(#"{"seq":6,"t":1,"pseq":2,"type":"overtaken","by_score":7}"#) == nil)
    }

    @Test func messagesWithoutFieldsAreOtherAndUntimed() {
        #expect(Self.header("") == MessageHeader(sentAt: nil, kind: .other, typeEnd: 0))
        #expect(Self.header(#"{"seq":1}"#).kind == .other)
        #expect(Self.header(#"{"t":"x","type":"board"}"#).sentAt == nil)
        #expect(Self.header(#"{"t":"x","type":"board"}"#).kind == .board)
    }

    @Test func integersOutsideInt64AreRejected() {
        let parse = { (text: String) in Array(text.utf8).withUnsafeBytes { MessageScan.integer(in: $0, at: 0)?.value } }
        #expect(parse("9223372036854775807") == .max)
        #expect(parse("9223372036854775808") == nil)
        #expect(parse("99999999999999999999") == nil)
        #expect(parse("-42,") == -42)
        #expect(parse("-") == nil)
        #expect(parse("x") == nil)
    }

    @Test func randomBytesNeverTrap() {
        var random = LoadRandom(seed: 0x5CA7)
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in
                [UInt8(ascii: "\""), UInt8(ascii: "t"), UInt8(ascii: ":"), UInt8(ascii: "1"), UInt8(ascii: "-"), 0xFF].randomElement(using: &random)!
            }
            _ = bytes.withUnsafeBytes { (MessageScan.header($0), MessageScan.score($0)) }
        }
    }
}
