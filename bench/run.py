"""The back office's benchmarks: `python bench/run.py cpu|load|latency|all [options]`.

* cpu      CPU time per page of the app against a minimal Django floor (bench/cpu.py)
* load     simulated officers against a running server: requests/s, p50/p95, errors, and
           500 open clients (bench/load.py)
* latency  p50/p95 of the customer pages against the bare gateway calls (bench/latency.py)
* all      cpu, then load (what `make bench` runs)
"""

from __future__ import annotations

import argparse
import sys

import cpu
import latency
import load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    cpu.add_arguments(modes.add_parser("cpu", help="CPU per page against the floor"))
    load.add_arguments(modes.add_parser("load", help="throughput under simulated officers"))
    modes.add_parser("latency", help="latency per page (options: latency --help)", add_help=False)
    modes.add_parser("all", help="cpu, then load, with their defaults")
    args, rest = parser.parse_known_args(argv)
    if args.mode == "latency":
        return latency.main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.mode == "cpu":
        return cpu.main(args)
    if args.mode == "load":
        return load.main(args)
    status = cpu.main(modes.choices["cpu"].parse_args([]))
    return status or load.main(modes.choices["load"].parse_args([]))


if __name__ == "__main__":
    sys.exit(main())
