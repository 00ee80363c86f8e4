"""The lookup tests use the statistics tests' demo province and frozen clock."""

from tests.reporting.conftest import province, today  # noqa: F401 - fixtures, found by pytest under these names
