// Where the load goes: the gateway's address from a `ws://` or `http://` URL, and the local
// source addresses client sockets bind to. Invariant: only numeric IPv4 literals (no DNS).
import GatewayNet

/// The gateway endpoint, from `ws://HOST:PORT[/…]` or `http://HOST:PORT[/…]`.
struct LoadTarget: Equatable {
    var host: String
    var port: UInt16

    /// `host:port`, for the Host header.
    var authority: String { "\(host):\(port)" }

    static func parse(_ url: String) throws(LoadOptionError) -> LoadTarget {
        let bad = LoadOptionError.invalid(option: "url", value: url, expected: "ws://IPV4:PORT or http://IPV4:PORT")
        var rest = Substring(url)
        for scheme in ["ws://", "http://"] where rest.hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
        }
        guard rest.count < url.count else { throw bad }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]), port > 0 else { throw bad }
        let host = String(rest[..<colon])
        guard (try? SocketAddress(host: host, port: port)) != nil, !host.contains(":") else { throw bad }
        return LoadTarget(host: host, port: port)
    }

    func address() throws(NetError) -> SocketAddress { try SocketAddress(host: host, port: port) }
}

/// A range of IPv4 source addresses, e.g. `127.0.0.2-127.0.0.20` (inclusive), or one address.
/// Client sockets bind to them in turn so more than one address's ephemeral ports are usable.
struct SourceAddresses: Equatable {
    /// The addresses in order (port 0: the kernel picks the port at connect time).
    let hosts: [String]

    static func parse(_ text: String) throws(LoadOptionError) -> SourceAddresses {
        let bad = LoadOptionError.invalid(option: "sources", value: text, expected: "A.B.C.D or A.B.C.D-A.B.C.E (at most 256 addresses)")
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { throw bad }
        guard let first = ipv4(parts[0]), let last = parts.count == 2 ? ipv4(parts[1]) : first,
              first <= last, last - first < 256 else { throw bad }
        return SourceAddresses(hosts: (first...last).map(text(of:)))
    }

    /// The address for client number `index` (round robin).
    func address(for index: Int) -> SocketAddress? {
        guard !hosts.isEmpty else { return nil }
        return try? SocketAddress(host: hosts[index % hosts.count], port: 0)
    }

    /// The dotted quad as a number, nil unless it is exactly four decimal octets.
    static func ipv4(_ text: Substring) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard octet.count <= 3, let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    static func text(of value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }
}
