"""The operations dashboard: a server-rendered web app over the project database."""

from sepbots.dashboard.app import create_app

__all__ = ["create_app"]
