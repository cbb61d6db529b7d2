// JSONTestSupport: seeded random JSON documents, a re-implementation of Python's canonical
// json.dumps(sort_keys=True, ensure_ascii=True, separators=(",", ":")) over JSONValue, and a runner
// for one python3 process per test. Random generation reuses HTTPTestRandom (SplitMix64).
import Foundation
import GatewayProtocols

enum JSONTestDocuments {
    /// A random value, at most `depth` containers deep, with member names unique per object.
    static func randomValue(depth: Int, using random: inout HTTPTestRandom) -> JSONValue {
        let pick = Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &random)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(randomInt(using: &random))
        case 3: return .double(randomDouble(using: &random))
        case 4, 5: return .string(randomString(using: &random))
        case 6: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in randomValue(depth: depth - 1, using: &random) })
        default:
            var members: [(String, JSONValue)] = []
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                let name = randomString(using: &random)
                guard !members.contains(where: { $0.0 == name }) else { continue }
                members.append((name, randomValue(depth: depth - 1, using: &random)))
            }
            return .object(members)
        }
    }

    static func randomInt(using random: inout HTTPTestRandom) -> Int64 {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return [Int64.min, Int64.max, Int64.min + 1, Int64.max - 1, 0, -1][Int.random(in: 0..<6, using: &random)]
        case 1: return Int64.random(in: -1000...1000, using: &random)
        default: return Int64.random(in: Int64.min...Int64.max, using: &random)
        }
    }

    static func randomDouble(using random: inout HTTPTestRandom) -> Double {
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            while true {
                let value = Double(bitPattern: random.next())
                if value.isFinite { return value }
            }
        case 1: return Double.random(in: -1e6...1e6, using: &random)
        case 2: return [0.0, -0.0, 1.0, 0.1, 1e16, 9.007199254740993e15, .leastNonzeroMagnitude, 1.7976931348623157e308, 1e-7, 123456789.0][Int.random(in: 0..<10, using: &random)]
        default: return Double(Int.random(in: -99_999...99_999, using: &random)) * [1e-30, 1e-5, 1e-3, 1, 1e3, 1e15, 1e17, 1e40][Int.random(in: 0..<8, using: &random)]
        }
    }

    /// Strings mixing ASCII, every escape-worthy character, BMP and astral scalars.
    static func randomString(using random: inout HTTPTestRandom) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            let value: UInt32
            switch Int.random(in: 0..<6, using: &random) {
            case 0: value = UInt32.random(in: 0x00...0x1F, using: &random)
            case 1: value = [0x22, 0x5C, 0x2F, 0x7F, 0x20][Int.random(in: 0..<5, using: &random)]
            case 2: value = UInt32.random(in: 0x80...0xD7FF, using: &random)
            case 3: value = UInt32.random(in: 0xE000...0xFFFF, using: &random)
            case 4: value = UInt32.random(in: 0x10000...0x10FFFF, using: &random)
            default: value = UInt32.random(in: 0x21...0x7E, using: &random)
            }
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
        }
        return String(scalars)
    }
}

/// What Python prints for `json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))`.
enum JSONPythonCanonical {
    static func encode(_ value: JSONValue) -> String {
        var out = ""
        append(value, to: &out)
        return out
    }

    private static func append(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .double(let number): out += pythonRepr(number)
        case .string(let text): appendString(text, to: &out)
        case .array(let elements):
            out += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out += "," }
                append(element, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            // Python sorts str keys by code point.
            let sorted = members.sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) }
            for (offset, member) in sorted.enumerated() {
                if offset > 0 { out += "," }
                appendString(member.0, to: &out)
                out += ":"
                append(member.1, to: &out)
            }
            out += "}"
        }
    }

    /// Python's float repr: the same shortest digits as Swift, but Python keeps fixed notation up
    /// to 1e16 where Swift switches to exponent notation at 2^53.
    static func pythonRepr(_ value: Double) -> String {
        if value.magnitude >= 9_007_199_254_740_992.0 && value.magnitude < 1e16 {
            return String(Int64(value)) + ".0"
        }
        return value.description
    }

    private static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20...0x7E: out.unicodeScalars.append(scalar)
            case 0x10000...:
                let offset = scalar.value - 0x10000
                out += hexEscape(0xD800 + (offset >> 10)) + hexEscape(0xDC00 + (offset & 0x3FF))
            default: out += hexEscape(scalar.value)
            }
        }
        out += "\""
    }

    private static func hexEscape(_ unit: UInt32) -> String {
        let hex = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}

enum JSONPythonRunner {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `python3 -c script inputPath` once, with `input` in a temporary file, and returns stdout.
    static func run(_ script: String, input: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory
        let inputURL = directory.appendingPathComponent("overtake-json-\(UUID().uuidString).in")
        let errorURL = directory.appendingPathComponent("overtake-json-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: inputURL)
            try? FileManager.default.removeItem(at: errorURL)
        }
        try Data(input).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, inputURL.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
            throw Failure(description: "python3 exited with \(process.terminationStatus): \(stderr)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
