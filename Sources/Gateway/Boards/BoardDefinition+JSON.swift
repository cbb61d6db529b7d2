// Board definitions as JSON, shared by config.json (`boards`) and PUT /v1/boards/{id}: parsing
// names the field at fault; writing is the GET /v1/boards representation.
import GatewayProtocols
import LeaderboardEngine

extension BoardDefinition {
    /// Parses a definition object. `id` comes from the URL when given, else from the object.
    /// Unknown fields are errors. Field errors carry `path + "." + field`.
    static func parse(_ json: JSONValue, id: String?, path: String) throws(ConfigurationError) -> BoardDefinition {
        guard case let .object(members) = json else { throw ConfigurationError(path, "expected an object") }
        var d = BoardDefinition(id: id ?? "")
        var offset = 0
        var week = Weekday.monday
        for (key, value) in members {
            let field = path.isEmpty ? key : "\(path).\(key)"
            switch key {
            case "id":
                let v = try Self.string(value, field)
                if let id, id != v { throw ConfigurationError(field, "does not match the board id in the path ('\(id)')") }
                d.id = v
            case "order": d.order = try Self.choice(value, field, ScoreOrder.self)
            case "operator": d.scoreOperator = try Self.choice(value, field, ScoreOperator.self)
            case "windows":
                d.windows = try Self.strings(value, field).map { (w: String) throws(ConfigurationError) -> WindowKind in
                    guard let k = WindowKind(rawValue: w) else {
                        throw ConfigurationError(field, "unknown window '\(w)'; expected one of alltime, daily, weekly, monthly")
                    }
                    return k
                }
                if Set(d.windows).count != d.windows.count {
                    throw ConfigurationError(field, "each window may appear once")
                }
            case "scopes":
                var scopes: Set<ScopeKind> = [.global]
                for s in try Self.strings(value, field) {
                    guard let k = ScopeKind(rawValue: s) else {
                        throw ConfigurationError(field, "unknown scope '\(s)'; expected global, region or friends")
                    }
                    scopes.insert(k)
                }
                d.scopes = scopes
            case "utc_offset_minutes": offset = try Self.int(value, field)
            case "week_start": week = try Self.choice(value, field, Weekday.self)
            case "notify_depth": d.notifyDepth = try Self.int(value, field)
            case "min_score": d.minScore = try Self.int64(value, field)
            case "max_score": d.maxScore = try Self.int64(value, field)
            case "archive_periods": d.archivePeriods = try Self.int(value, field)
            case "archive_top": d.archiveTop = try Self.int(value, field)
            default: throw ConfigurationError(field, "unknown field")
            }
        }
        d.calendar = BoardCalendar(utcOffsetMinutes: offset, weekStart: week)
        d = BoardDefinition(id: d.id, order: d.order, scoreOperator: d.scoreOperator, windows: d.windows,
                            calendar: d.calendar, scopes: d.scopes, notifyDepth: d.notifyDepth, minScore: d.minScore,
                            maxScore: d.maxScore, archivePeriods: d.archivePeriods, archiveTop: d.archiveTop)
        if let problem = d.validate() {
            if case let .invalidField(name, message) = problem {
                throw ConfigurationError(path.isEmpty ? name : "\(path).\(name)", message)
            }
            throw ConfigurationError(path, problem.description)
        }
        return d
    }

    /// Writes the definition as the API shows it.
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("order"); w.string(order.rawValue)
        w.key("operator"); w.string(scoreOperator.rawValue)
        w.key("windows"); w.beginArray(); for k in windows { w.string(k.rawValue) }; w.endArray()
        w.key("utc_offset_minutes"); w.int(calendar.utcOffsetMinutes)
        w.key("week_start"); w.string(calendar.weekStart.rawValue)
        w.key("scopes"); w.beginArray()
        for s in ScopeKind.allCases where scopes.contains(s) { w.string(s.rawValue) }
        w.endArray()
        w.key("notify_depth"); w.int(notifyDepth)
        w.key("min_score"); w.int(minScore)
        w.key("max_score"); w.int(maxScore)
        w.key("archive_periods"); w.int(archivePeriods)
        w.key("archive_top"); w.int(archiveTop)
        w.endObject()
    }

    static func string(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> String {
        guard let s = v.stringValue else { throw ConfigurationError(path, "expected a string, got \(v.kind.rawValue)") }
        return s
    }

    static func int(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Int {
        guard case let .int(i) = v, let n = Int(exactly: i) else {
            throw ConfigurationError(path, "expected an integer, got \(v.kind.rawValue)")
        }
        return n
    }

    static func int64(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Int64 {
        guard case let .int(i) = v else { throw ConfigurationError(path, "expected an integer, got \(v.kind.rawValue)") }
        return i
    }

    static func strings(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> [String] {
        guard let items = v.arrayValue else { throw ConfigurationError(path, "expected an array of strings") }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard let s = item.stringValue else { throw ConfigurationError("\(path)[\(i)]", "expected a string") }
            out.append(s)
        }
        return out
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ v: JSONValue, _ path: String, _: T.Type) throws(ConfigurationError) -> T
        where T.RawValue == String {
        let s = try string(v, path)
        guard let value = T(rawValue: s) else {
            throw ConfigurationError(path, "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(s)'")
        }
        return value
    }
}
