"""Sygedagpenge-refusion: sickness-benefit refund claims submitted in the refund portal."""
