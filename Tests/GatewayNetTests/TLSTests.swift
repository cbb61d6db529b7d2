// TLS over the loops: sessions paired in memory, the openssl CLI against our server, our
// client with and without a trusted certificate, and garbage from a plaintext peer.
import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing
@testable import GatewayNet

/// A self-signed certificate for localhost / 127.0.0.1 in a fresh temporary directory.
private struct TestCertificate {
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    var keyPath: String { directory.appendingPathComponent("key.pem").path }

    static let opensslPath = "/usr/bin/openssl"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: opensslPath) }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("overtake-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try runProcess(Self.opensslPath, [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", directory.appendingPathComponent("key.pem").path,
            "-out", directory.appendingPathComponent("cert.pem").path,
            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        guard result.status == 0 else { throw ProcessFailure(output: result.stderr) }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

private struct ProcessFailure: Error { let output: String }

/// Runs a process with optional stdin; kills it after `timeoutSeconds`.
private func runProcess(_ path: String, _ arguments: [String], stdin: [UInt8] = [], timeoutSeconds: Int = 20) throws
    -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    input.fileHandleForWriting.write(Data(stdin))
    try input.fileHandleForWriting.close()
    if exited.wait(timeout: .now() + .seconds(timeoutSeconds)) == .timedOut {
        process.terminate()
        _ = exited.wait(timeout: .now() + .seconds(5))
    }
    let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, out, err)
}

/// Echoes plaintext; closes (with close_notify) after echoing a newline.
private final class LineEchoHandler: ConnectionHandler, Sendable {
    let reasons = Mutex<[CloseReason]>([])
    let opened = Atomic<Int>(0)
    func connectionOpened(_ connection: Connection) { opened.add(1, ordering: .relaxed) }
    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        connection.write(copying: bytes)
        if bytes.contains(UInt8(ascii: "\n")) { connection.close() }
    }
    func connectionClosed(_ connection: Connection, _ reason: CloseReason) { reasons.withLock { $0.append(reason) } }
}

private func startTLSServer(_ certificate: TestCertificate, handler: any ConnectionHandler & Sendable) throws
    -> (EventLoopGroup, Server) {
    let context = try TLSContext(certificateChainPath: certificate.certificatePath, privateKeyPath: certificate.keyPath)
    let group = try EventLoopGroup(loopCount: 1)
    let server = try Server.start(on: group, configuration: ListenerConfiguration(host: "127.0.0.1", tls: context)) { _ in
        { handler }
    }
    return (group, server)
}

@Suite struct TLSTests {
    @Test func sessionsPairedInMemoryHandshakeExchangeAndClose() throws {
        guard TestCertificate.isAvailable else { print("skipped: no \(TestCertificate.opensslPath)"); return }
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try TLSSession(context: TLSContext(certificateChainPath: certificate.certificatePath,
                                                        privateKeyPath: certificate.keyPath), serverName: nil)
        let client = try TLSSession(context: TLSContext(clientTrusting: certificate.certificatePath), serverName: "localhost")
        let fake = FakeSystemCalls()
        let vectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: 16)
        defer { vectors.deallocate() }
        /// Moves `from`'s pending ciphertext into `to`, returning how many bytes moved.
        func pump(_ from: TLSSession, _ fd: Int32, into to: TLSSession) -> Int {
            var buffer = OutboundBuffer()
            from.drainCiphertext(into: &buffer)
            let before = fake.written(to: fd).count
            _ = buffer.flush(fd: fd, syscalls: fake.syscalls, iovecs: vectors)
            let moved = Array(fake.written(to: fd)[before...])
            moved.withUnsafeBytes { to.receive($0) }
            return moved.count
        }
        #expect(client.advanceHandshake() == .needsMoreInput)
        for _ in 0..<10 where !(client.isHandshakeComplete && server.isHandshakeComplete) {
            _ = pump(client, 1, into: server)
            _ = server.advanceHandshake()
            _ = pump(server, 2, into: client)
            _ = client.advanceHandshake()
        }
        #expect(client.isHandshakeComplete && server.isHandshakeComplete)
        let message = Array("overtaken by 3 players".utf8)
        #expect(message.withUnsafeBytes { client.write($0) } == nil)
        #expect(pump(client, 1, into: server) > message.count)
        let plaintext = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
        defer { plaintext.deallocate() }
        #expect(server.read(into: plaintext) == .plaintext(message.count))
        #expect(Array(plaintext[0..<message.count]) == message)
        #expect(server.read(into: plaintext) == .needsMoreInput)
        client.sendCloseNotify()
        _ = pump(client, 1, into: server)
        #expect(server.read(into: plaintext) == .closeNotify)
    }

    @Test(arguments: ["-tls1_2", "-tls1_3"])
    func opensslClientTalksToTheTLSEchoServer(protocolFlag: String) throws {
        guard TestCertificate.isAvailable else { print("skipped: no \(TestCertificate.opensslPath)"); return }
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let handler = LineEchoHandler()
        let (group, server) = try startTLSServer(certificate, handler: handler)
        defer { group.stop() }
        let result = try runProcess(TestCertificate.opensslPath, [
            "s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost", "-verify_hostname", "localhost",
            "-CAfile", certificate.certificatePath, "-verify_return_error", "-quiet", protocolFlag,
        ], stdin: Array("hello overtake\n".utf8))
        #expect(result.stdout.contains("hello overtake"), "s_client stderr: \(result.stderr)")
        #expect(result.status == 0, "s_client stderr: \(result.stderr)")
        #expect(waitUntil { handler.reasons.withLock { $0 }.count == 1 })
        #expect(handler.opened.load(ordering: .relaxed) == 1)
    }

    @Test func ourTLSClientVerifiesTheServerAndEchoesLargeMessages() throws {
        guard TestCertificate.isAvailable else { print("skipped: no \(TestCertificate.opensslPath)"); return }
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let echo = RecordingHandler(onRead: { connection, bytes in connection.write(copying: bytes) })
        let (group, server) = try startTLSServer(certificate, handler: echo)
        defer { group.stop() }
        let clientContext = try TLSContext(clientTrusting: certificate.certificatePath)
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        let shared = SharedBytes(payload)
        let client = RecordingHandler(onOpen: { $0.write(shared) })
        let clientGroup = try EventLoopGroup(loopCount: 1)
        defer { clientGroup.stop() }
        let address = try SocketAddress(host: "127.0.0.1", port: server.port)
        let connected = onLoop(clientGroup.loops[0]) { loop in
            (try? loop.connect(to: address, tls: clientContext, serverName: "localhost", handler: client)) != nil
        }
        #expect(connected == true)
        #expect(waitUntil { client.received.count >= payload.count })
        #expect(client.received == payload)
        #expect(client.openedCount == 1 && echo.openedCount == 1)
    }

    @Test func ourTLSClientRejectsAnUntrustedCertificate() throws {
        guard TestCertificate.isAvailable else { print("skipped: no \(TestCertificate.opensslPath)"); return }
        let certificate = try TestCertificate()
        let stranger = try TestCertificate()
        defer { certificate.remove(); stranger.remove() }
        let echo = RecordingHandler()
        let (group, server) = try startTLSServer(certificate, handler: echo)
        defer { group.stop() }
        let clientContext = try TLSContext(clientTrusting: stranger.certificatePath)
        let client = RecordingHandler()
        let clientGroup = try EventLoopGroup(loopCount: 1)
        defer { clientGroup.stop() }
        let address = try SocketAddress(host: "127.0.0.1", port: server.port)
        _ = onLoop(clientGroup.loops[0]) { loop in
            _ = try? loop.connect(to: address, tls: clientContext, serverName: "localhost", handler: client)
        }
        #expect(waitUntil { !client.closeReasons.isEmpty })
        guard case .tlsFailed(.handshakeFailed(let detail))? = client.closeReasons.first else {
            Issue.record("expected a failed handshake, got \(client.closeReasons)")
            return
        }
        #expect(detail.contains("certificate verify failed"))
        #expect(client.openedCount == 0)
        #expect(waitUntil { !echo.closeReasons.isEmpty })
        #expect(echo.openedCount == 0)
    }

    @Test func plaintextGarbageToATLSPortClosesTheConnectionCleanly() throws {
        guard TestCertificate.isAvailable else { print("skipped: no \(TestCertificate.opensslPath)"); return }
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let handler = RecordingHandler()
        let (group, server) = try startTLSServer(certificate, handler: handler)
        defer { group.stop() }
        let client = try BlockingClient(port: server.port)
        client.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        guard case .closed = client.readUntilClosed(timeoutMilliseconds: 5_000) else {
            Issue.record("the server did not close")
            return
        }
        #expect(waitUntil { !handler.closeReasons.isEmpty })
        guard case .tlsFailed(.handshakeFailed)? = handler.closeReasons.first else {
            Issue.record("expected a failed handshake, got \(handler.closeReasons)")
            return
        }
        #expect(handler.openedCount == 0)
    }

    @Test func missingCertificateFilesAreReportedWithThePath() {
        #expect {
            _ = try TLSContext(certificateChainPath: "/nonexistent/cert.pem", privateKeyPath: "/nonexistent/key.pem")
        } throws: { error in
            guard case TLSError.contextSetup(let step, _) = error else { return false }
            return step.contains("/nonexistent/cert.pem")
        }
    }

    @Test func aHandshakeThatNeverStartsIsAbandonedAtTheSetupDeadline() throws {
        guard TestCertificate.isAvailable else { print("skipped: no \(TestCertificate.opensslPath)"); return }
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let time = Atomic<UInt64>(0)
        var configuration = EventLoopConfiguration()
        configuration.clock = MonotonicClock { time.load(ordering: .relaxed) }
        configuration.connectionSetupTimeout = .seconds(10)
        let loop = try EventLoop(configuration: configuration)
        let context = try TLSContext(certificateChainPath: certificate.certificatePath, privateKeyPath: certificate.keyPath)
        let handler = RecordingHandler()
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0), tls: context) { handler }
        let client = try BlockingClient(port: listener.localAddress().port)  // connects, says nothing
        for _ in 0..<20 where loop.connectionCount == 0 { loop.runOnce(maxWaitMilliseconds: 10) }
        #expect(loop.connectionCount == 1)
        time.add(10_000_000_000, ordering: .relaxed)
        loop.runOnce(maxWaitMilliseconds: 0)
        guard case .tlsFailed(.handshakeFailed(let detail))? = handler.closeReasons.first else {
            Issue.record("expected the setup deadline to close the connection, got \(handler.closeReasons)")
            return
        }
        #expect(detail.contains("not finished"))
        #expect(handler.openedCount == 0)
        #expect(client.readUntilClosed(timeoutMilliseconds: 2_000) == .closed(received: []))
        loop.stop()
        loop.run()
    }
}
