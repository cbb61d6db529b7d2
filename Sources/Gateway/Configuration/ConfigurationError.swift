// Why the configuration was refused: the key path and what was expected, so startup fails with a
// message an operator can act on.

public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Dotted key path (e.g. `listen.port`, `boards[1].windows`), or the file/flag at fault.
    public var path: String
    public var message: String

    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
