// RLIMIT_NOFILE: the gateway's connection ceiling (here a hard limit of 20,000 descriptors).
import CSystem
import Glibc

/// Raises the soft descriptor limit to the hard limit and returns the resulting
/// (soft, hard) pair. The hard limit itself cannot be raised without privileges.
public func raiseDescriptorLimit() throws(NetError) -> (soft: UInt64, hard: UInt64) {
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    var limit = rlimit()
    if getrlimit(resource, &limit) != 0 { throw .systemCall("getrlimit(RLIMIT_NOFILE)", .current) }
    // RLIM_INFINITY (all ones; its C macro does not import) cannot be the soft limit (the kernel caps it at fs.nr_open).
    let target = limit.rlim_max == rlim_t.max ? 1 << 20 : limit.rlim_max
    if limit.rlim_cur < target {
        var raised = limit
        raised.rlim_cur = target
        if setrlimit(resource, &raised) == 0 { limit = raised }
    }
    return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
}
