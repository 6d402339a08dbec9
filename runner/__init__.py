"""The unattended runner service's entry point: ``python -m runner`` (thin; the logic is in sepbots)."""
