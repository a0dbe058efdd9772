"""The queue's own tests: the test kinds (tests/jobs/kinds.py) registered in this process too;
the fixtures (queue_app, workers, redis_url) are in tests/conftest.py."""

import tests.jobs.kinds  # noqa: F401
