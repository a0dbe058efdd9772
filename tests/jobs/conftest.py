"""The queue's own test kinds, registered in this process too (workers load them through
OKR_JOB_MODULES=tests.jobs.kinds); the worker fixtures are in tests/conftest.py."""

from __future__ import annotations

import tests.jobs.kinds  # noqa: F401
