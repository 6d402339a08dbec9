"""Journalisering: file documents in a legacy desktop case system (reference bot)."""
