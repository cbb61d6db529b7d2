// HTTPHeaders: an ordered list of header fields kept in one byte array (each name followed by its
// value, no separators) plus one offset record per field. Names keep their case; lookups ignore it.

/// Header fields of one message, in arrival order, stored compactly: two allocations however many
/// fields there are. Lookups are linear scans (header lists are short; no per-request Dictionary).
///
/// Equality compares fields in order with names case-sensitively, i.e. the wire representation.
public struct HTTPHeaders: Sendable, Equatable {
    /// One field: `nameLength` bytes of name at `start`, then `valueLength` bytes of value.
    struct Field: Sendable, Equatable {
        var start: Int32
        var nameLength: Int32
        var valueLength: Int32
    }

    private(set) var storage: [UInt8] = []
    private(set) var fields: [Field] = []

    /// An empty list.
    public init() {}

    /// Fields in the given order, as if by `add(name:value:)` for each.
    public init(_ pairs: [(name: String, value: String)]) {
        for pair in pairs { add(name: pair.name, value: pair.value) }
    }

    /// Reserves room for `bytes` of names and values and `fields` field lines (one allocation each
    /// instead of repeated growth while a request's headers arrive).
    public mutating func reserveCapacity(bytes: Int, fields count: Int) {
        storage.reserveCapacity(bytes)
        fields.reserveCapacity(count)
    }

    /// Number of field lines (a repeated name counts once per line).
    public var count: Int { fields.count }

    public var isEmpty: Bool { fields.isEmpty }

    /// Appends a field line. Precondition (programmer error): `name` is a non-empty token. Control
    /// bytes in `value` (CR, LF, NUL…, which a value echoing peer input might carry) are replaced by
    /// SP, so a header can never be split into two: no response splitting, no trap.
    public mutating func add(name: String, value: String) {
        precondition(!name.isEmpty && name.utf8.allSatisfy(HTTPByte.isTokenByte), "header name must be a token")
        if value.utf8.allSatisfy(HTTPByte.isFieldValueByte) {
            append(nameUTF8: name.utf8, valueUTF8: value.utf8)
        } else {
            append(nameUTF8: name.utf8, valueUTF8: value.utf8.map { HTTPByte.isFieldValueByte($0) ? $0 : HTTPByte.space })
        }
    }

    /// Appends raw bytes already validated by the caller (the parser). O(name + value).
    mutating func appendValidated(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        append(nameUTF8: name, valueUTF8: value)
    }

    private mutating func append(nameUTF8: some Collection<UInt8>, valueUTF8: some Collection<UInt8>) {
        let start = storage.count
        storage.append(contentsOf: nameUTF8)
        storage.append(contentsOf: valueUTF8)
        precondition(storage.count <= Int(Int32.max), "header storage exceeds 2 GiB")
        fields.append(Field(start: Int32(start), nameLength: Int32(nameUTF8.count),
                            valueLength: Int32(valueUTF8.count)))
    }

    /// The field line at `offset` (0-based, arrival order).
    public subscript(offset offset: Int) -> (name: String, value: String) {
        let field = fields[offset]
        return storage.withUnsafeBytes { raw in
            (String(decoding: nameBytes(field, raw), as: UTF8.self), String(decoding: valueBytes(field, raw), as: UTF8.self))
        }
    }

    /// The combined value of every field named `name` (case-insensitive), joined with ", " as
    /// RFC 9110 §5.3 allows for list-valued fields; nil when absent. O(total header bytes).
    public subscript(name: String) -> String? {
        var result: String?
        forEachValue(named: name) { value in
            let text = String(decoding: value, as: UTF8.self)
            if let previous = result { result = previous + ", " + text } else { result = text }
        }
        return result
    }

    /// The value of each field line named `name` (case-insensitive), in arrival order; list values
    /// are not split (see `tokens(in:)`).
    public func values(_ name: String) -> [String] {
        var result: [String] = []
        forEachValue(named: name) { result.append(String(decoding: $0, as: UTF8.self)) }
        return result
    }

    /// True when at least one field is named `name` (case-insensitive).
    public func contains(_ name: String) -> Bool { fieldCount(named: name) > 0 }

    /// Number of field lines named `name` (case-insensitive).
    public func fieldCount(named name: String) -> Int {
        var total = 0
        forEachValue(named: name) { _ in total += 1 }
        return total
    }

    /// Calls `body` with the value bytes of each field named `name` (case-insensitive), in order.
    /// The buffer is valid only during the call. No allocation.
    func forEachValue(named name: String, _ body: (UnsafeRawBufferPointer) -> Void) {
        var name = name
        name.withUTF8 { wanted in
            storage.withUnsafeBytes { raw in
                for field in fields where HTTPByte.equalsIgnoringCase(nameBytes(field, raw), UnsafeRawBufferPointer(wanted)) {
                    body(valueBytes(field, raw))
                }
            }
        }
    }

    @inline(__always)
    private func nameBytes(_ field: Field, _ raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: raw[Int(field.start)..<Int(field.start + field.nameLength)])
    }

    @inline(__always)
    private func valueBytes(_ field: Field, _ raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let valueStart = Int(field.start + field.nameLength)
        return UnsafeRawBufferPointer(rebasing: raw[valueStart..<valueStart + Int(field.valueLength)])
    }
}

extension HTTPHeaders: ExpressibleByDictionaryLiteral {
    /// Fields in literal order; a repeated name makes repeated field lines.
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name: name, value: value) }
    }
}

extension HTTPHeaders: Sequence {
    /// Iterates `(name, value)` pairs in arrival order.
    public struct Iterator: IteratorProtocol {
        let headers: HTTPHeaders
        var offset = 0

        public mutating func next() -> (name: String, value: String)? {
            guard offset < headers.count else { return nil }
            defer { offset += 1 }
            return headers[offset: offset]
        }
    }

    public func makeIterator() -> Iterator { Iterator(headers: self) }
}
