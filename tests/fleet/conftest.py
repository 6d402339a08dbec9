"""The fleet tests use the store tests' backend-parametrized fixtures."""

from tests.store.conftest import clock, db_url, pg_session_url, store_env  # noqa: F401
