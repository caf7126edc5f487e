"""Generation benchmark: a year of the synthetic shop sized to ``rows`` order lines.

    python -m storefront.bench.generate [ROWS [KEEP]]      (default 1,000,000)

Prints the order lines written, the seconds taken and order lines per second, plus the rows
of every feed; the files go to a temporary folder that is removed afterwards, or to KEEP.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
from pathlib import Path

from storefront.simulate import generate


def bench_generate(rows: int = 1_000_000, keep: Path | None = None) -> dict[str, float]:
    """Generate ``rows`` order lines (365 days, seed 1) and report the throughput. The files
    go to ``keep`` (left there) or to a temporary folder removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="storefront-bench-generate-"))
    data = keep if keep is not None else folder / "data"
    try:
        result = generate.generate(data, order_lines=rows, force=keep is not None)
        size = sum(p.stat().st_size for p in data.iterdir())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    all_rows = sum(result.batch.rows.values())
    figures = {
        "order_lines": result.order_lines,
        "seconds": round(result.seconds, 2),
        "order_lines_per_second": round(result.order_lines / result.seconds),
        "rows_all_feeds": all_rows,
        "rows_per_second_all_feeds": round(all_rows / result.seconds),
        "megabytes": round(size / 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(f"generate: {figures['order_lines']:,} order lines in {figures['seconds']} s "
          f"({figures['order_lines_per_second']:,} order lines/s); all feeds "
          f"{all_rows:,} rows ({figures['rows_per_second_all_feeds']:,} rows/s), "
          f"{figures['megabytes']} MB, peak RSS {figures['peak_rss_mb']} MB")
    for name, count in result.batch.rows.items():
        print(f"  {name:<24} {count:>12,} rows")
    return figures


if __name__ == "__main__":
    bench_generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
                   Path(sys.argv[2]) if len(sys.argv) > 2 else None)
