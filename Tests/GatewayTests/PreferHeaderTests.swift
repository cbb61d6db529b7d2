// Reading `Prefer: return=minimal` (RFC 7240) among other preferences, spellings and parameters.
import Testing
@testable import Gateway

@Suite struct PreferHeaderTests {
    @Test(arguments: [("return=minimal", true), ("RETURN = minimal", true), ("wait=5, return=\"minimal\"; x=1", true),
                      ("handling=lenient,\treturn=minimal", true), ("return=representation", false), ("returnminimal", false),
                      ("minimal", false), ("", false)])
    func findsReturnMinimal(value: String, minimal: Bool) {
        #expect(PreferHeader.asksForMinimalReturn(value) == minimal, "\(value)")
    }

    @Test func noHeaderMeansAFullAnswer() {
        #expect(!PreferHeader.asksForMinimalReturn(nil))
    }
}
