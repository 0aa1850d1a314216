"""The portal's settings with a media storage that stalls (tests/ops/test_faults.py)."""

from disclosure_portal.settings import *  # noqa: F403
from disclosure_portal.settings import STORAGES

STORAGES = {**STORAGES, "default": {"BACKEND": "tests.ops.storages.StallingStorage"}}
