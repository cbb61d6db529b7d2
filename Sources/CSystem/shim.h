// Linux calls that Swift's Glibc module leaves out (it is built without _GNU_SOURCE).
// Deliberately no _GNU_SOURCE and no <sys/socket.h> here: either breaks the Glibc module.
#ifndef OVERTAKE_CSYSTEM_SHIM_H
#define OVERTAKE_CSYSTEM_SHIM_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/prctl.h>

// accept4(2) is declared by <sys/socket.h> only under _GNU_SOURCE. The address is passed as
// an untyped pointer so this header does not need struct sockaddr.
extern int accept4(int fd, void *addr, unsigned int *addrlen, int flags);

// epoll_event is packed on x86_64; Swift cannot always build it field by field, so these
// helpers read and write it.
static inline struct epoll_event csystem_epoll_event(unsigned int events, unsigned long long data) {
    struct epoll_event e;
    e.events = events;
    e.data.u64 = data;
    return e;
}
static inline unsigned long long csystem_epoll_event_data(const struct epoll_event *e) { return e->data.u64; }
static inline unsigned int csystem_epoll_event_events(const struct epoll_event *e) { return e->events; }

// prctl(2) is variadic, which Swift cannot call: names the calling thread (≤ 15 bytes shown).
static inline int csystem_set_thread_name(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }

#endif
