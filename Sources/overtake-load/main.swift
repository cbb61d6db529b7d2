// overtake-load: a load generator for the gateway's push side (WebSocket/SSE fan-out and
// latency). Runs as its own process (its own 20,000-descriptor budget); prints a human report
// and, last, one JSON line for scripts.
import GatewayNet
import Glibc

let usage = """
usage: overtake-load <command> [--option value]…
  idle   --url ws://HOST:PORT --connections N --token-secret S [--sources A-B] [--hold SECONDS]
         [--server-pid PID[,PID…]] [--subscribe BOARD/WINDOW] [--loops N] [--max-connecting N] [--player-prefix P]
         [--ws-path PATH]  (another server: connect to PATH, no token, no commands)
         opens N WebSocket players, holds them idle; connect outcome, connect time, server RSS per connection
  fanout --url ws://HOST:PORT --token-secret S --internal-token T [--subscribers N] [--spectators M]
         [--spectator-kind ws|sse] [--board B] [--window W[,W…]] [--rate EVENTS_PER_S] [--duration S] [--warmup S]
         [--slow-fraction F] [--batch K] [--posters P] [--players P] [--walk-range R] [--walk-step D] [--event-ids 0|1] [--replies full|minimal] [--watch 1|0] [--spectate 1|0]
         [--sources A-B] [--loops N] [--server-pid PID[,PID…]] [--slow-rcvbuf BYTES] [--drain S] [--seed N]
         [--ws-path PATH --publish-path PATH [--message-bytes B]]  (another server, e.g. nchan: spectators
         subscribe at ws-path, posters publish one message with t per POST, no seeding)
         score events at a rate, delivered msgs/s, t-latency (healthy vs slow), score → rank latency, 1013 closes
  frames [--messages N] [--bytes B]
         CPU cost of the client frame reader vs WebSocketFrameDecoder on a synthetic stream
"""

func main() -> Int32 {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let command = arguments.first else {
        print(usage)
        return 2
    }
    signal(SIGPIPE, SIG_IGN)
    _ = try? raiseDescriptorLimit()
    do {
        var options = try LoadOptions(Array(arguments.dropFirst()))
        switch command {
        case "idle": return try IdleCommand(&options).run()
        case "fanout": return try FanoutCommand(&options).run()
        case "frames": return try FrameCostCommand(&options).run()
        default:
            print(usage)
            return 2
        }
    } catch let error as LoadOptionError {
        print("overtake-load: \(error)\n\n\(usage)")
        return 2
    } catch {
        print("overtake-load: \(error)")
        return 1
    }
}

exit(main())
