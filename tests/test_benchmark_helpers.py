"""The benchmarks' CPU reading: the visitor flow's CPU per visitor is only as right as it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.common import process_cpu_seconds

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="CPU time is read from Linux's /proc"
)

# A parent that starts a child burning CPU for a while, then both wait to be killed.
BURNING_CHILD = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", '''
import sys, time
end = time.process_time() + 0.4
while time.process_time() < end:
    pass
print("burnt", flush=True)
time.sleep(60)
'''], stdout=sys.stdout)
time.sleep(60)
"""


def test_cpu_seconds_count_the_processes_below_the_ones_named():
    with subprocess.Popen(
        [sys.executable, "-c", BURNING_CHILD],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group, so the child goes with it
    ) as parent:
        try:
            assert parent.stdout is not None
            assert parent.stdout.readline().strip() == "burnt"
            time.sleep(0.1)  # the kernel's tick accounting catches up
            used = process_cpu_seconds([parent.pid])
        finally:
            os.killpg(parent.pid, signal.SIGKILL)
    assert used is not None
    # The child burnt 0.4 s (read in whole clock ticks); the parent, an idle interpreter,
    # far less than that.
    assert 0.35 <= used < 2.0


def test_cpu_seconds_of_a_process_gone_count_nothing():
    with subprocess.Popen([sys.executable, "-c", "pass"]) as gone:
        gone.wait()
    assert process_cpu_seconds([gone.pid]) == 0.0
