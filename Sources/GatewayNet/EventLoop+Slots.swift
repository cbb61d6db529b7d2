// The loop's registration table: slot index + generation form the epoll data word.
// Invariant: a slot's generation changes every time it is freed, so an event or timer that
// carries an old generation can never reach a newer registration in the same slot.
import CSystem
import Glibc

extension EventLoop {
    /// Reserves a slot; the caller fills in its registration.
    func allocateSlot() -> (index: UInt32, generation: UInt32) {
        if let index = freeSlots.popLast() { return (index, slots[Int(index)].generation) }
        slots.append(Slot(registration: .free, generation: 0))
        return (UInt32(slots.count - 1), 0)
    }

    func freeSlot(_ index: UInt32) {
        slots[Int(index)].registration = .free
        slots[Int(index)].generation &+= 1
        freeSlots.append(index)
    }

    /// Registers `fd` with epoll for `events`, tagged with the slot.
    func epollAdd(_ fd: Int32, events: UInt32, slot: UInt32, generation: UInt32) throws(NetError) {
        var event = csystem_epoll_event(events, Self.tag(slot: slot, generation: generation))
        if epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, fd, &event) != 0 { throw .systemCall("epoll_ctl(ADD)", .current) }
    }

    /// Changes the interest set. Fails only for a descriptor not registered (a bug) or
    /// ENOMEM; both are logged, and the caller's state stays as requested.
    func epollModify(_ fd: Int32, events: UInt32, slot: UInt32, generation: UInt32) {
        var event = csystem_epoll_event(events, Self.tag(slot: slot, generation: generation))
        if epoll_ctl(epollDescriptor, EPOLL_CTL_MOD, fd, &event) != 0 {
            configuration.logger("epoll_ctl(MOD) fd \(fd): \(Errno.current)")
        }
    }

    func liveConnection(_ slot: UInt32, _ generation: UInt32) -> Connection? {
        guard Int(slot) < slots.count, slots[Int(slot)].generation == generation,
              case .connection(let connection) = slots[Int(slot)].registration else { return nil }
        return connection
    }

    /// Snapshot of the registered connections (safe to close while iterating).
    func openConnections() -> [Connection] {
        slots.compactMap { slot in
            if case .connection(let connection) = slot.registration { connection } else { nil }
        }
    }

    func closeAllListeners() {
        for (index, slot) in slots.enumerated() {
            if case .listener(let registration) = slot.registration {
                _ = epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, registration.listener.descriptor, nil)
                registration.listener.close()
                freeSlot(UInt32(index))
            }
        }
    }

    func closeAllSignalWatchers() {
        for (index, slot) in slots.enumerated() {
            if case .signals(let watcher) = slot.registration {
                Glibc.close(watcher.descriptor)
                freeSlot(UInt32(index))
            }
        }
    }
}
