// JSONPythonInteropTests: our writer and reader against Python's json module as the reference, with
// seeded random documents: one python3 process per test, line-by-line comparison of canonical forms.
import Foundation
import GatewayProtocols
import Testing

@Suite struct JSONPythonInteropTests {
    /// Python reads each line we wrote and prints its canonical dump.
    private static let canonicalizeScript = """
    import json, sys
    out = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            out.append(json.dumps(json.loads(line), sort_keys=True, ensure_ascii=True, separators=(",", ":")))
    sys.stdout.write("\\n".join(out) + "\\n")
    """

    @Test func pythonReadsWhatTheWriterWrites() throws {
        let seed: UInt64 = 0x0A11_CE00
        var random = HTTPTestRandom(seed: seed)
        let documents = (0..<400).map { _ in JSONTestDocuments.randomValue(depth: 5, using: &random) }
        var writer = JSONWriter()
        var input: [UInt8] = []
        for document in documents {
            writer.reset()
            writer.value(document)
            input += writer.bytes
            input.append(0x0A)
        }
        let lines = try JSONPythonRunner.run(Self.canonicalizeScript, input: input).split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == documents.count + 1, "seed \(seed)")
        for (offset, document) in documents.enumerated() {
            #expect(String(lines[offset]) == JSONPythonCanonical.encode(document), "seed \(seed), document \(offset)")
        }
    }

    /// Python generates random documents, prints each as hex of its UTF-8 (in a random style:
    /// indentation, separators, ensure_ascii on or off) and then its canonical dump with integers
    /// outside Int64 turned into floats, which is how our reader reads them.
    private static let generateScript = """
    import json, random, struct, sys
    rng = random.Random(int(open(sys.argv[1]).read()))
    def rstring():
        out = []
        for _ in range(rng.randint(0, 12)):
            k = rng.randrange(6)
            if k == 0: c = rng.randint(0, 0x1F)
            elif k == 1: c = rng.choice([0x22, 0x5C, 0x2F, 0x7F, 0x20])
            elif k == 2: c = rng.randint(0x80, 0xD7FF)
            elif k == 3: c = rng.randint(0xE000, 0xFFFF)
            elif k == 4: c = rng.randint(0x10000, 0x10FFFF)
            else: c = rng.randint(0x21, 0x7E)
            out.append(chr(c))
        return "".join(out)
    def rint():
        k = rng.randrange(4)
        if k == 0: return rng.choice([2**63 - 1, -2**63, 2**63, -2**63 - 1, 2**64, 10**30, -(10**25), 0])
        if k == 1: return rng.randint(-1000, 1000)
        return rng.randint(-2**63, 2**63 - 1)
    def rfloat():
        k = rng.randrange(3)
        if k == 0:
            while True:
                v = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
                if v == v and v not in (float("inf"), float("-inf")): return v
        if k == 1: return rng.uniform(-1e6, 1e6)
        return rng.choice([0.0, -0.0, 1.0, 1e16, 9.5e15, 5e-324, 1e-7, 2.5e-5, 1e300])
    def rvalue(depth):
        k = rng.randrange(9 if depth > 0 else 6)
        if k == 0: return None
        if k == 1: return rng.random() < 0.5
        if k == 2: return rint()
        if k == 3: return rfloat()
        if k in (4, 5): return rstring()
        if k == 6: return [rvalue(depth - 1) for _ in range(rng.randint(0, 5))]
        return {rstring(): rvalue(depth - 1) for _ in range(rng.randint(0, 5))}
    def as_read(v):
        if isinstance(v, bool) or v is None: return v
        if isinstance(v, int): return v if -2**63 <= v < 2**63 else float(v)
        if isinstance(v, list): return [as_read(x) for x in v]
        if isinstance(v, dict): return {k: as_read(x) for k, x in v.items()}
        return v
    out = []
    for _ in range(400):
        doc = rvalue(5)
        style = rng.randrange(4)
        if style == 0: raw = json.dumps(doc, ensure_ascii=False)
        elif style == 1: raw = json.dumps(doc, ensure_ascii=True, indent=2)
        elif style == 2: raw = " \\t\\r\\n" + json.dumps(doc, ensure_ascii=False, indent="\\t", separators=(" ,", " : ")) + "\\n "
        else: raw = json.dumps(doc, separators=(",", ":"))
        out.append(raw.encode("utf-8").hex())
        out.append(json.dumps(as_read(doc), sort_keys=True, ensure_ascii=True, separators=(",", ":")))
    sys.stdout.write("\\n".join(out) + "\\n")
    """

    @Test func readerAgreesWithPythonOnPythonDocuments() throws {
        let seed: UInt64 = 20_240_229
        let lines = try JSONPythonRunner.run(Self.generateScript, input: Array(String(seed).utf8))
            .split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 801, "seed \(seed)")
        for pair in 0..<400 {
            let raw = try #require(hexDecode(lines[2 * pair]), "seed \(seed), document \(pair)")
            let canonical = String(lines[2 * pair + 1])
            do {
                let value = try JSONValue(parsing: raw)
                #expect(JSONPythonCanonical.encode(value) == canonical, "seed \(seed), document \(pair)")
            } catch {
                Issue.record("seed \(seed), document \(pair): \(error) in \(String(decoding: raw, as: UTF8.self))")
            }
        }
    }

    private func hexDecode(_ text: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return bytes
    }
}
