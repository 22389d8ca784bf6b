"""The compatibility tests use the Pulumi and Ansible suites' helpers (``tests_pulumi_support``,
``ansible_support``): their folders go on ``sys.path`` (appended: those suites' own runs put them first)."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.extend(str(TESTS / suite) for suite in ("pulumi", "ansible") if str(TESTS / suite) not in sys.path)
