"""run_measured, the one way the benchmarks run and measure a command: its peak memory is the
command's own, not the benchmark's (Linux carries the parent's resident memory at the fork into
a child's ``ru_maxrss``)."""

from __future__ import annotations

import os
import sys

from storefront.bench.loading import run_measured

ALLOCATE = (
    "import time; b = bytearray({mb} * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); "
    "time.sleep(0.3)"
)


def test_a_command_peaks_at_its_own_memory_not_at_the_benchmarks():
    ballast = bytearray(300 * 1024 * 1024)  # the benchmark itself: 300 MB resident
    ballast[::4096] = b"x" * len(ballast[::4096])
    small = run_measured([sys.executable, "-c", ALLOCATE.format(mb=0)], dict(os.environ))
    large = run_measured([sys.executable, "-c", ALLOCATE.format(mb=150)], dict(os.environ))
    assert small.returncode == large.returncode == 0
    assert small.peak_kib < 100 * 1024
    assert 150 * 1024 < large.peak_kib < 250 * 1024
    assert small.seconds >= 0.3 and large.cpu > 0
