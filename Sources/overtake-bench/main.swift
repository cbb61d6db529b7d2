// overtake-bench: release-build benchmarks, one subcommand per layer. Figures go to BENCHMARKS.md.
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
usage: overtake-bench <command> [options]
  engine [--members N[,N…]] [--ops N]   ranked-set upserts/s, rank/top-100/around-me latency, bytes/member
  apply [--players N] [--batch N] [--events N] [--event-ids 1|0] [--windows alltime,daily] [--operator best|sum|latest|min]
                                        engine batch apply events/s
  storage [--parts codec,commit,recovery] [--dir D] [--snapshot-members N]
          [--seconds S] [--windows 1,2,5] [--players N] [--event-ids 1|0] [--offered R,R…] [--wal-preallocate B]
          [--recovery-events N] [--tail-events N]
                                        codec rates, group-commit events/s with fsync, recovery time
  crash-writer --dir D --seed S [--round R]
                                        crash-test victim: logs batches until SIGKILLed, ledger on stdout
"""

guard let command = arguments.first else {
    print(usage)
    exit(2)
}
let options = BenchOptions(Array(arguments.dropFirst()))
switch command {
case "apply":
    ApplyBenchmark(options: options).run()
case "engine":
    EngineBenchmark(options: options).run()
case "storage":
    StorageBenchmark(options: options).run()
case "crash-writer":
    CrashWriter(options: options).run()
default:
    print(usage)
    exit(2)
}
