"""Test settings: fast password hashing, eager tasks, plain static storage."""

import os
import tempfile

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
if os.environ.get("TOUYAN_WORKER_DB"):
    # A Celery worker the task-queue tests start (touyan/ops/tests/test_worker.py): the tests' own
    # database, the broker from CELERY_BROKER_URL, tasks taken from the queue.
    DATABASES["default"]["NAME"] = os.environ["TOUYAN_WORKER_DB"]  # noqa: F405
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TOUYAN_WORKER_QUEUE", CELERY_TASK_DEFAULT_QUEUE)  # noqa: F405
AXES_ENABLED = True

# SQLite tests use a file, so WAL and IMMEDIATE transactions are exercised as in
# the demo (an in-memory database would hide "database is locked").
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"touyan-test-{os.getpid()}.sqlite3")
    }
elif os.environ.get("TOUYAN_TEST_DB_PER_PROCESS"):
    # Several test runs at once on one PostgreSQL server (developers' helpers) need their own databases.
    DATABASES["default"]["TEST"] = {"NAME": f"test_touyan_{os.getpid()}"}  # noqa: F405
TOUYAN_EAGER_BACKGROUND = False  # tasks a page starts run inline, so a test sees their result
# The personas sign in with force_login (no code): forced enrolment is tested where it is switched
# on (touyan/accounts/tests/test_security.py). An enrolled user needs a code whatever this says.
TOUYAN_REQUIRE_2FA_ROLES = []
