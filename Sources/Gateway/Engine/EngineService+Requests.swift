// Answers to REST requests, computed on the engine thread and encoded to JSON here. Reads see
// every batch applied so far; mutations are logged and answered after their durability point.
import GatewayFanout
import GatewayProtocols
import LeaderboardEngine

extension EngineService {
    func handle(_ request: EngineRequest, reply: ReplyTarget) {
        if request.isMutation {
            let operation: EngineOperation
            switch request {
            case let .putBoard(d): operation = .defineBoard(d, now: nowMilliseconds)
            case let .putPlayer(id, region, name): operation = .updatePlayer(id: id, region: region, displayName: name)
            case let .friendship(a, b, add): operation = add ? .addFriends(a, b) : .removeFriends(a, b)
            default: return
            }
            mutate(operation, reply: reply) { perform(operation) }
            return
        }
        flush()
        let key = TopPageKey(request)
        if let key, let cached = topPages.page(key) {
            reply.send(.http(HTTPReply(status: .ok, body: cached.body.withUnsafeBytes { Array($0) })))
            return
        }
        let answer: HTTPReply
        do { answer = try read(request) } catch { answer = Self.errorReply(error) }
        if let key, answer.status.code == 200 { topPages.store(answer, for: key) }
        reply.send(.http(answer))
    }

    static func errorReply(_ error: EngineError) -> HTTPReply {
        .error(error.httpStatus, error.code, error.description)
    }

    private func perform(_ operation: EngineOperation) -> HTTPReply {
        do throws(EngineError) {
            switch operation {
            case let .defineBoard(d, now):
                let (_, created) = try engine.defineBoard(d, now: now)
                scheduleRotation()
                return .json(created ? .created : .ok) { d.write(to: &$0) }
            case let .updatePlayer(id, region, name):
                try engine.updatePlayer(id, region: region, displayName: name)
                let p = engine.players.find(id)!
                return .json { w in
                    w.beginObject()
                    w.key("player"); w.string(id)
                    let r = engine.players.region(of: p)
                    w.key("region"); if r == 0 { w.null() } else { w.string(engine.players.regionName(r)) }
                    w.key("display_name"); if let n = engine.players.displayName(of: p) { w.string(n) } else { w.null() }
                    w.endObject()
                }
            case let .addFriends(a, b), let .removeFriends(a, b):
                var add = false
                if case .addFriends = operation { add = true }
                let changed = add ? try engine.addFriends(a, b) : try engine.removeFriends(a, b)
                return .json { w in
                    w.beginObject()
                    w.key("player"); w.string(a)
                    w.key("friend"); w.string(b)
                    w.key("friends"); w.bool(add)
                    w.key("changed"); w.bool(changed)
                    w.endObject()
                }
            default:
                return .error(.internalServerError, "unsupported", "not a mutation")
            }
        } catch {
            return Self.errorReply(error)
        }
    }

    private func window(_ name: String, of board: String) throws(EngineError) -> WindowKind {
        guard let w = WindowKind(rawValue: name) else { throw .unknownWindow(board: board, window: name) }
        return w
    }

    private func read(_ request: EngineRequest) throws(EngineError) -> HTTPReply {
        switch request {
        case .listBoards:
            let defs = engine.definitions
            return .json { w in
                w.beginObject(); w.key("boards"); w.beginArray()
                for d in defs { d.write(to: &w) }
                w.endArray(); w.endObject()
            }
        case let .board(id):
            guard let b = engine.board(named: id) else { throw .unknownBoard(id) }
            let d = engine.definition(of: b)
            return .json { d.write(to: &$0) }
        case let .top(board, windowName, scope, limit, offset, cursor):
            let kind = try window(windowName, of: board)
            let page = try engine.top(board: board, window: kind, scope: scope, limit: limit, offset: offset, cursor: cursor)
            return .json { w in
                header(&w, board: board, window: kind, period: page.period, scope: scope)
                w.key("total"); w.int(page.total)
                entries(&w, page.entries)
                w.key("next_cursor"); if let c = page.nextCursor { w.string(c) } else { w.null() }
                w.endObject()
            }
        case let .standing(board, windowName, player, scope, around):
            let kind = try window(windowName, of: board)
            let s = try engine.standing(board: board, window: kind, player: player, scope: scope, around: around)
            return .json { w in
                header(&w, board: board, window: kind, period: s.period, scope: scope)
                w.key("player"); w.string(player)
                w.key("rank"); w.int(s.rank)
                w.key("score"); w.int(s.score)
                w.key("percentile"); w.double((s.percentile * 100).rounded() / 100)
                w.key("total"); w.int(s.total)
                w.key("around"); rows(&w, s.around)
                w.endObject()
            }
        case let .friends(board, windowName, player):
            let kind = try window(windowName, of: board)
            let f = try engine.friendsBoard(board: board, window: kind, player: player)
            return .json { w in
                w.beginObject()
                w.key("board"); w.string(board)
                w.key("window"); w.string(kind.rawValue)
                w.key("period"); w.string(f.period.label)
                w.key("scope"); w.string("friends")
                w.key("player"); w.string(player)
                w.key("rank"); if let r = f.rank { w.int(r) } else { w.null() }
                entries(&w, f.entries)
                w.endObject()
            }
        case let .periods(board, windowName):
            let kind = try window(windowName, of: board)
            let list = try engine.periods(board: board, window: kind)
            return .json { w in
                w.beginObject(); w.key("board"); w.string(board); w.key("window"); w.string(kind.rawValue)
                w.key("periods"); w.beginArray()
                for a in list.reversed() {
                    w.beginObject()
                    w.key("period"); w.string(a.period.label)
                    w.key("start"); w.int(a.period.start)
                    w.key("end"); w.int(a.period.end)
                    w.key("total"); w.int(a.totalPlayers)
                    w.key("kept"); w.int(a.top.count)
                    w.endObject()
                }
                w.endArray(); w.endObject()
            }
        case let .periodTop(board, windowName, label, limit, offset):
            let kind = try window(windowName, of: board)
            let a = try engine.archivedPeriod(board: board, window: kind, label: label)
            let slice = a.top.dropFirst(max(0, offset)).prefix(max(0, limit))
            return .json { w in
                header(&w, board: board, window: kind, period: a.period, scope: .global)
                w.key("total"); w.int(a.totalPlayers)
                entries(&w, Array(slice))
                w.endObject()
            }
        case let .approximateRank(board, windowName, score):
            let kind = try window(windowName, of: board)
            let r = try engine.approximateRank(board: board, window: kind, score: score)
            return .json { w in
                w.beginObject()
                w.key("board"); w.string(board); w.key("window"); w.string(kind.rawValue)
                w.key("score"); w.int(score)
                w.key("rank"); w.int(r.rank)
                w.key("error_bound"); w.int(r.errorBound)
                w.key("total"); w.int(r.total)
                w.endObject()
            }
        case .putBoard, .putPlayer, .friendship:
            return .error(.internalServerError, "unsupported", "mutation routed as a read")
        }
    }

    private func header(_ w: inout JSONWriter, board: String, window: WindowKind, period: Period, scope: ScopeQuery) {
        w.beginObject()
        w.key("board"); w.string(board)
        w.key("window"); w.string(window.rawValue)
        w.key("period"); w.string(period.label)
        switch scope {
        case .global: w.key("scope"); w.string("global")
        case let .region(r): w.key("scope"); w.string("region"); w.key("region"); w.string(r)
        }
    }

    private func entries(_ w: inout JSONWriter, _ list: [RankedEntry]) {
        w.key("entries")
        rows(&w, list)
    }

    private func rows(_ w: inout JSONWriter, _ list: [RankedEntry]) {
        w.beginArray()
        for e in list {
            w.beginObject()
            w.key("rank"); w.int(e.rank)
            w.key("player"); w.string(engine.players.name(of: e.player))
            w.key("score"); w.int(e.score)
            w.endObject()
        }
        w.endArray()
    }
}
