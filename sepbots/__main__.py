"""``python -m sepbots`` — the same as the ``sepbots`` command."""

from sepbots.cli import main

main()
