// JSON bodies of push messages, encoded once per message on the engine thread (which owns the
// names). Bodies omit the opening brace: each connection prepends `{"seq":N,"t":T,` itself, so
// the same bytes serve every recipient. Owned by the engine thread.
import GatewayProtocols
import LeaderboardEngine

public struct NotificationEncoder {
    private var writer = JSONWriter(capacity: 4096)
    private var labels: [LabelKey: String] = [:]
    /// The last label asked for: a tick's messages mostly share one board window period, so this
    /// answers most lookups without hashing.
    private var lastLabel: (key: LabelKey, label: String)?

    private struct LabelKey: Hashable {
        var board: BoardIndex
        var window: WindowKind
        var start: Int64
    }

    public init() {}

    /// The period label of a window period (cached).
    public mutating func periodLabel(_ engine: LeaderboardEngine, _ board: BoardIndex, _ window: WindowKind, _ start: Int64) -> String {
        let key = LabelKey(board: board, window: window, start: start)
        if let last = lastLabel, last.key == key { return last.label }
        let label: String
        if let known = labels[key] {
            label = known
        } else {
            label = engine.definition(of: board).calendar.period(window, containing: start == .min ? 0 : start).label
            if labels.count > 4096 { labels.removeAll(keepingCapacity: true) }
            labels[key] = label
        }
        lastLabel = (key, label)
        return label
    }

    private mutating func header(_ engine: LeaderboardEngine, type: String, board: BoardIndex, window: WindowKind,
                                 periodStart: Int64, scope: ScopeKey) {
        writer.reset()
        writer.beginObject()
        writer.key("type"); writer.string(type)
        writer.key("board"); writer.string(engine.id(of: board))
        writer.key("window"); writer.string(window.rawValue)
        writer.key("period"); writer.string(periodLabel(engine, board, window, periodStart))
        writer.key("scope")
        if scope.isGlobal {
            writer.string("global")
        } else if scope.isFriends {
            writer.string("friends")
        } else if let r = scope.region {
            writer.string("region")
            writer.key("region"); writer.string(engine.players.regionName(r))
        }
    }

    /// Appends the body of `n` (without the opening brace) to `out`; returns its kind.
    public mutating func encode(_ n: Notification, engine: LeaderboardEngine, into out: inout [UInt8]) -> MessageKind {
        let kind: MessageKind = switch n.kind {
        case .rank: .rank
        case .overtaken: .overtaken
        case .topEntry: .topEntry
        case .topExit: .topExit
        }
        header(engine, type: kind.name, board: n.board, window: n.window, periodStart: n.periodStart, scope: n.scope)
        switch n.kind {
        case .rank:
            writer.key("old_rank"); writer.int(n.oldRank)
            writer.key("new_rank"); writer.int(n.newRank)
            writer.key("score"); writer.int(n.score)
        case .overtaken:
            writer.key("rank"); writer.int(n.newRank)
            writer.key("score"); writer.int(n.score)
            writer.key("by"); writer.string(engine.players.name(of: n.by))
            writer.key("by_score"); writer.int(n.byScore)
            writer.key("count"); writer.int(n.count)
        case .topEntry, .topExit:
            writer.key("rank"); writer.int(n.newRank)
            writer.key("score"); writer.int(n.score)
            writer.key("depth"); writer.int(engine.notifyDepth(of: n.board))
        }
        writer.endObject()
        appendBody(into: &out)
        return kind
    }

    /// Appends the body of a spectator diff.
    public mutating func encode(_ d: BoardDiff, engine: LeaderboardEngine, into out: inout [UInt8]) {
        header(engine, type: "board", board: d.board, window: d.window, periodStart: d.periodStart, scope: d.scope)
        writer.key("size"); writer.int(d.size)
        writer.key("entered"); writer.beginArray()
        for r in d.entered { writeRow(engine, r, from: false) }
        writer.endArray()
        writer.key("moved"); writer.beginArray()
        for r in d.moved { writeRow(engine, r, from: true) }
        writer.endArray()
        writer.key("left"); writer.beginArray()
        for row in d.left {
            writer.beginObject()
            writer.key("player"); writer.string(engine.players.name(of: row.player))
            writer.key("from"); writer.int(row.previousRank)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        appendBody(into: &out)
    }

    private mutating func writeRow(_ engine: LeaderboardEngine, _ row: BoardDiff.Row, from: Bool) {
        writer.beginObject()
        writer.key("player"); writer.string(engine.players.name(of: row.player))
        writer.key("rank"); writer.int(row.rank)
        if from { writer.key("from"); writer.int(row.previousRank) }
        writer.key("score"); writer.int(row.score)
        writer.endObject()
    }

    /// Appends the body of a stream snapshot: the top entries and the scope's size.
    public mutating func encodeSnapshot(_ stream: StreamKey, period: Period, size: Int, entries: [RankedEntry],
                                        engine: LeaderboardEngine, into out: inout [UInt8]) {
        header(engine, type: "snapshot", board: stream.board, window: stream.window, periodStart: period.start, scope: stream.scope)
        writer.key("size"); writer.int(size)
        writer.key("top"); writer.beginArray()
        for e in entries {
            writer.beginObject()
            writer.key("rank"); writer.int(e.rank)
            writer.key("player"); writer.string(engine.players.name(of: e.player))
            writer.key("score"); writer.int(e.score)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        appendBody(into: &out)
    }

    /// Appends a body built by `build` (an object writer positioned after `{`), e.g. acks.
    public mutating func encode(_ build: (inout JSONWriter) -> Void, into out: inout [UInt8]) {
        writer.reset()
        writer.beginObject()
        build(&writer)
        writer.endObject()
        appendBody(into: &out)
    }

    private func appendBody(into out: inout [UInt8]) {
        writer.bytes.withUnsafeBufferPointer { out.append(contentsOf: $0[1...]) }
    }
}
