// GatewayNet: the gateway's own non-blocking I/O layer (epoll, no SwiftNIO). It moves bytes;
// it knows nothing of HTTP or WebSocket.
//
// Threads and ownership
// - `EventLoopGroup` runs N `EventLoop`s, one pthread each; each owns an epoll instance, a
//   64 KiB read buffer, a `TimerWheel` and a table of registrations (connections, listeners,
//   signal watchers). A `Connection` belongs to one loop and is touched only by its thread.
// - Other threads talk to a loop only through its `EventLoopHandle` (a mutex-protected
//   mailbox plus an eventfd, one wake per batch of jobs).
// - `Server` binds one SO_REUSEPORT listener per loop on a shared port; the kernel spreads
//   accepts, and a connection lives on the loop that accepted it.
//
// Data path
// - Reads land in the loop's buffer and are lent to the `ConnectionHandler` for the duration
//   of `connectionRead` (an idle connection owns no buffer).
// - Writes queue into the connection's `OutboundBuffer`: small writes coalesce into owned
//   chunks, `SharedBytes` are queued by reference (one encoding, many sockets). The loop
//   flushes every written-to connection once per iteration with gathered `writev` calls and
//   polls EPOLLOUT only while bytes remain.
// - TLS runs over memory BIOs (`TLSSession`), so ciphertext takes the same read and write
//   paths, with the same accounting and backpressure.
//
// Failure handling
// - EMFILE/ENFILE on accept: `Listener` sheds queued clients through a reserve descriptor and
//   pauses for a back-off; the loop stops polling it meanwhile, so it never spins.
// - System calls whose outcome steers logic go through the injectable `SystemCalls`, and time
//   comes from `MonotonicClock`, so tests fake EAGAIN, short writes, EMFILE and clocks.
