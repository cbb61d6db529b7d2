// WebSocketCloseCode.isValidOnWire over the whole UInt16 range, against RFC 6455 §7.4.
import Testing
@testable import GatewayProtocols

struct WebSocketCloseCodeTests {
    @Test func onlyRegisteredAndApplicationCodesAreValidOnTheWire() {
        let valid = (0...UInt16.max).filter { WebSocketCloseCode($0).isValidOnWire }
        let expected = Array(1000...1003) + Array(1007...1014) + Array(3000...4999)
        #expect(valid == expected.map(UInt16.init))
    }

    @Test func namedCodesHaveTheirRFCValues() {
        #expect(WebSocketCloseCode.normalClosure.rawValue == 1000)
        #expect(WebSocketCloseCode.goingAway.rawValue == 1001)
        #expect(WebSocketCloseCode.protocolError.rawValue == 1002)
        #expect(WebSocketCloseCode.unsupportedData.rawValue == 1003)
        #expect(WebSocketCloseCode.invalidPayloadData.rawValue == 1007)
        #expect(WebSocketCloseCode.policyViolation.rawValue == 1008)
        #expect(WebSocketCloseCode.messageTooBig.rawValue == 1009)
        #expect(WebSocketCloseCode.internalError.rawValue == 1011)
        #expect(WebSocketCloseCode.tryAgainLater.rawValue == 1013)
        #expect(!WebSocketCloseCode.noStatusReceived.isValidOnWire)
        #expect(!WebSocketCloseCode.abnormalClosure.isValidOnWire)
    }
}
