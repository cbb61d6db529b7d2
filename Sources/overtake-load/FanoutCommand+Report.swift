// The `fanout` report: human lines, then the one-line JSON summary.

extension FanoutCommand {
    func report(_ m: FanoutMeasurement) -> Int32 {
        var json = LoadReport(command: "fanout")
        let s = max(m.seconds, 1e-9)
        json.add("subscribers", subscribers)
        json.add("spectators", spectators)
        json.add("spectator_kind", spectatorsUseSSE ? "sse" : "ws")
        json.add("slow_clients", m.slowClients)
        json.add("offered_events_per_s", rate)
        json.add("seconds", m.seconds)
        print("measured \(LoadReport.fixed(m.seconds, 2)) s after \(LoadReport.fixed(warmup, 1)) s of warm-up; load average \(ServerProbe.loadAverage())")

        let accepted = m.delta("overtake_ingest_events_total{result=\"accepted\"}") ?? Double(m.posterAccepted)
        let eventsPerSecond = Optional(accepted / s)
        print("score events: offered \(LoadReport.fixed(rate, 0))/s, accepted \(eventsPerSecond.map { LoadReport.fixed($0, 0) } ?? "?")/s; "
              + "posts answered in \(LoadReport.describe(m.poster.ackLatency)); throttled requests \(m.poster.throttled), "
              + "shed \(m.poster.shedEvents), failures \(m.poster.failures), transport errors \(m.poster.transportErrors)")
        if let eventsPerSecond { json.add("accepted_events_per_s", eventsPerSecond) }
        json.add(milliseconds: m.poster.ackLatency, "post_ack")

        let c = m.counters
        let personal = Double(c.total { $0.isPersonal }) / s
        let board = Double(c.total { $0.isSpectator }) / s
        let all = Double(c.total { _ in true }) / s
        let healthy = Double(c.total({ _ in true }, slow: false)) / s
        print("delivered to the load generator: \(LoadReport.grouped(Int(all))) msgs/s (personal \(LoadReport.grouped(Int(personal))), "
              + "board/snapshot \(LoadReport.grouped(Int(board))); healthy clients \(LoadReport.grouped(Int(healthy)))), "
              + "\(LoadReport.fixed(Double(c.bytes) / s / 1e6, 1)) MB/s of payload")
        let kinds = ServerMessageKind.allCases.filter { c.healthy[$0.rawValue] + c.slow[$0.rawValue] > 0 }
            .map { "\($0.name) \(LoadReport.grouped(Int(Double(c.healthy[$0.rawValue] + c.slow[$0.rawValue]) / s)))" }
        print("  by type (per s): \(kinds.joined(separator: ", "))")
        json.add("delivered_msgs_per_s", all)
        json.add("delivered_personal_per_s", personal)
        json.add("delivered_board_per_s", board)
        let sent = (0..<4).compactMap { m.delta("overtake_notifications_sent_total{priority=\"p\($0)\"}") }
        if sent.count == 4 {
            print("server wrote: \(LoadReport.grouped(Int(sent.reduce(0, +) / s))) msgs/s (p0 \(Int(sent[0] / s)), "
                  + "p1 \(Int(sent[1] / s)), p2 \(Int(sent[2] / s)), p3 \(Int(sent[3] / s)))")
            json.add("server_sent_msgs_per_s", sent.reduce(0, +) / s)
        }

        reportLatency(m, &json)
        reportClosesAndMemory(m, &json)
        json.printLine()
        return 0
    }

    private func reportLatency(_ m: FanoutMeasurement, _ json: inout LoadReport) {
        let l = m.stats.latency
        print("latency t → received, healthy: personal \(LoadReport.describe(l.healthyPersonal))")
        print("                               board    \(LoadReport.describe(l.healthyBoard))")
        if m.slowClients > 0 {
            print("latency t → received, slow (read after the run): personal \(LoadReport.describe(l.slowPersonal)); "
                  + "board \(LoadReport.describe(l.slowBoard))")
        }
        json.add(milliseconds: l.healthyPersonal, "healthy_personal")
        json.add(milliseconds: l.healthyBoard, "healthy_board")
        json.add(milliseconds: l.slowPersonal, "slow_personal")
        json.add(milliseconds: l.slowBoard, "slow_board")

        let e = m.endToEnd
        print("score post → rank message (healthy clients): \(LoadReport.describe(e.latency)); \(m.poster.postKeys.count) posts, "
              + "\(e.postsWithoutReceipt) without a rank message, \(e.unmatchedReceipts) rank messages from earlier posts")
        json.add(milliseconds: e.latency, "end_to_end")
        json.add("posts", m.poster.postKeys.count)
        json.add("posts_without_receipt", e.postsWithoutReceipt)
    }

    private func reportClosesAndMemory(_ m: FanoutMeasurement, _ json: inout LoadReport) {
        let st = m.stats
        let codes = st.closeCodes.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }
        print("closed by the server: \(codes.isEmpty ? "none" : codes.joined(separator: ", ")); "
              + "without a close frame: \(st.droppedWithoutClose); slow clients: \(m.slowClients)")
        json.add("closed_1013", st.closeCodes[1013] ?? 0)
        json.add("closed_other", st.closeCodes.filter { $0.key != 1013 }.values.reduce(0, +))
        json.add("dropped_without_close", st.droppedWithoutClose)
        if let slow = m.delta("overtake_disconnects_total{reason=\"slow_consumer\"}"),
           let age = m.delta("overtake_disconnects_total{reason=\"personal_backlog_age\"}") {
            let coalesced = m.delta("overtake_coalesced_diffs_total") ?? 0
            print("server disconnects in the window: slow_consumer \(Int(slow)), personal_backlog_age \(Int(age)); "
                  + "coalesced diffs \(Int(coalesced)); queue bytes at end \(Int(m.metricsEnd?["overtake_queue_bytes"] ?? 0))")
            json.add("server_disconnect_slow_consumer", Int(slow))
            json.add("server_disconnect_backlog_age", Int(age))
            json.add("server_coalesced_diffs", Int(coalesced))
        }
        if st.errors > 0 { print("errors: \(st.errors), e.g. \(st.sampleErrors.prefix(3).joined(separator: " | "))") }
        if !st.failures.isEmpty { print("connect failures: \(st.failures)") }
        if let start = m.rssStart, let peak = m.rssPeak, let end = m.rssEnd {
            print("server RSS: \(start) KiB before posting, peak \(peak) KiB, \(end) KiB at the end, "
                  + "\(m.rssAfterDrain ?? 0) KiB after the drain; per second: \(m.rssTrace.map(String.init).joined(separator: " "))")
            json.add("server_rss_start_kb", start)
            json.add("server_rss_peak_kb", peak)
            json.add("server_rss_end_kb", end)
            json.add("server_rss_after_drain_kb", m.rssAfterDrain ?? 0)
        }
        if let cpu = m.serverCPUSeconds {
            print("CPU: server \(LoadReport.fixed(cpu / m.seconds * 100, 0)) % of one core, load generator "
                  + "\(LoadReport.fixed((m.generatorCPUSeconds ?? 0) / m.seconds * 100, 0)) % (2 cores in all)")
            json.add("server_cpu_percent", cpu / m.seconds * 100)
        }
        if let cpu = m.generatorCPUSeconds { json.add("generator_cpu_percent", cpu / m.seconds * 100) }
        json.add("load_average", ServerProbe.loadAverage())
    }
}

extension LoadReport {
    mutating func add(milliseconds histogram: LatencyHistogram, _ key: String) {
        add(key, milliseconds: histogram)
    }
}
