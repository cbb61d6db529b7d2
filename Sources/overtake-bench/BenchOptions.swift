// Tiny `--key value` option reader for the benchmark commands.

struct BenchOptions {
    private var values: [String: String] = [:]

    init(_ arguments: [String]) {
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a.hasPrefix("--"), i + 1 < arguments.count {
                values[String(a.dropFirst(2))] = arguments[i + 1]
                i += 2
            } else {
                i += 1
            }
        }
    }

    func int(_ key: String, _ fallback: Int) -> Int { values[key].flatMap { Int($0) } ?? fallback }
    func ints(_ key: String, _ fallback: [Int]) -> [Int] {
        values[key].map { $0.split(separator: ",").compactMap { Int($0) } } ?? fallback
    }
    func string(_ key: String, _ fallback: String) -> String { values[key] ?? fallback }
}
