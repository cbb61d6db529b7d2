// overtake-bench: release-build benchmarks, one subcommand per layer. Figures go to BENCHMARKS.md.
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
usage: overtake-bench <command> [options]
  engine [--members N[,N…]] [--ops N]   ranked-set upserts/s, rank/top-100/around-me latency, bytes/member
"""

guard let command = arguments.first else {
    print(usage)
    exit(2)
}
let options = BenchOptions(Array(arguments.dropFirst()))
switch command {
case "engine":
    EngineBenchmark(options: options).run()
default:
    print(usage)
    exit(2)
}
