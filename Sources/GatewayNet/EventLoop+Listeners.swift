// Listening sockets on the loop: registration, accept dispatch, and the EMFILE back-off
// (interest removed while paused, restored by a timer). Invariant: a paused listener has no
// epoll interest, so an unservable backlog cannot wake the loop.
import CSystem
import Glibc

/// A listener plus what the loop needs to turn its descriptors into connections.
final class ListenerRegistration {
    let listener: Listener
    let makeHandler: () -> any ConnectionHandler
    let tls: TLSContext?
    let slot: UInt32
    let generation: UInt32

    init(listener: Listener, makeHandler: @escaping () -> any ConnectionHandler, tls: TLSContext?,
         slot: UInt32, generation: UInt32) {
        self.listener = listener
        self.makeHandler = makeHandler
        self.tls = tls
        self.slot = slot
        self.generation = generation
    }
}

extension EventLoop {
    /// Starts accepting on a listening, non-blocking socket and takes ownership of it.
    /// `makeHandler` is called once per accepted connection (it may return a shared object).
    @discardableResult
    public func listen(
        descriptor fd: Int32, tls: TLSContext? = nil, makeHandler: @escaping () -> any ConnectionHandler
    ) throws(NetError) -> Listener {
        assertOnLoopThread()
        let (slot, generation) = allocateSlot()
        do { try epollAdd(fd, events: EPOLLIN.rawValue, slot: slot, generation: generation) } catch {
            freeSlot(slot)
            throw error
        }
        let listener = Listener(descriptor: fd, policy: configuration.acceptPolicy, syscalls: syscalls,
                                logger: configuration.logger)
        slots[Int(slot)].registration = .listener(
            ListenerRegistration(listener: listener, makeHandler: makeHandler, tls: tls, slot: slot, generation: generation))
        return listener
    }

    /// Binds, listens and starts accepting on `address` (port 0: see `Listener.localAddress`).
    @discardableResult
    public func listen(
        on address: SocketAddress, backlog: Int32 = 1024, reusePort: Bool = false, tls: TLSContext? = nil,
        makeHandler: @escaping () -> any ConnectionHandler
    ) throws(NetError) -> Listener {
        let fd = try Socket.makeListener(address: address, backlog: backlog, reusePort: reusePort)
        do {
            return try listen(descriptor: fd, tls: tls, makeHandler: makeHandler)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// Stops accepting on `listener` and closes it. Unknown listeners are ignored.
    public func closeListener(_ listener: Listener) {
        assertOnLoopThread()
        for (index, slot) in slots.enumerated() {
            if case .listener(let registration) = slot.registration, registration.listener === listener {
                _ = epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, listener.descriptor, nil)
                listener.close()
                freeSlot(UInt32(index))
                return
            }
        }
    }

    /// The listeners registered on this loop.
    public var listeners: [Listener] {
        slots.compactMap { slot in
            if case .listener(let registration) = slot.registration { registration.listener } else { nil }
        }
    }

    func handleListenerEvent(_ registration: ListenerRegistration) {
        guard !registration.listener.isPaused, !isShuttingDown else { return }
        let outcome = registration.listener.acceptBatch(now: now) { fd in adoptAccepted(fd, from: registration) }
        guard case .paused(_, let shed, let resumeAt) = outcome else { return }
        configuration.onAcceptPaused?(shed)
        epollModify(registration.listener.descriptor, events: 0, slot: registration.slot, generation: registration.generation)
        _ = timers.schedule(at: resumeAt, .resumeListener(slot: registration.slot, generation: registration.generation))
    }

    func resumeListener(_ slot: UInt32, _ generation: UInt32) {
        guard Int(slot) < slots.count, slots[Int(slot)].generation == generation,
              case .listener(let registration) = slots[Int(slot)].registration else { return }
        registration.listener.resume()
        epollModify(registration.listener.descriptor, events: EPOLLIN.rawValue, slot: slot, generation: generation)
    }
}
