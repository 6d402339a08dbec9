"""A practice OS2autoproces API (``sepbots practice os2autoproces``) for the catalogue's push and pull."""

from sepbots.practice.os2autoproces.app import PRACTICE_API_KEY, create_app

__all__ = ["PRACTICE_API_KEY", "create_app"]
