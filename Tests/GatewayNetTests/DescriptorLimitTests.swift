// raiseDescriptorLimit lifts the soft RLIMIT_NOFILE to the hard one.
import CSystem
import Glibc
import Testing
@testable import GatewayNet

@Suite struct DescriptorLimitTests {
    @Test func raisesTheSoftDescriptorLimitToTheHardLimit() throws {
        let (soft, hard) = try raiseDescriptorLimit()
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #expect(hard == UInt64(limit.rlim_max))
        #expect(soft == UInt64(limit.rlim_cur))
        #expect(soft == hard || hard == UInt64(rlim_t.max))
    }
}
