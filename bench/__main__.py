"""Measure the pages and jobs whose cost could grow with the data.

Runs on its own database (``var/bench.sqlite3`` unless ``BENCH_DATABASE_URL`` is set), fills it
with ``--scale`` times the Ministry's yearly volume of applications, then times each scenario
(median of ``--repeat`` runs) and counts its SQL queries. Query counts must not grow with the
scale; times are for comparing two commits on the same machine.

    python -m bench --scale 1 --repeat 5
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _configure() -> None:
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DEBUG", "1")  # static files served from the source folders
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="times 300 applications per call")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="the scenarios whose name contains this")
    args = parser.parse_args()
    _configure()

    from django.core.management import call_command

    from bench.scenarios import SCENARIOS, prepare

    call_command("migrate", verbosity=0, interactive=False)
    context = prepare(scale=args.scale)
    print(f"{'scenario':<44} {'median ms':>10} {'queries':>8}")
    for name, run in SCENARIOS:
        if args.only not in name:
            continue
        timings, queries = [], None
        for _ in range(args.repeat):
            started = time.perf_counter()
            queries = run(context)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{name:<44} {statistics.median(timings):>10.1f} {queries!s:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
