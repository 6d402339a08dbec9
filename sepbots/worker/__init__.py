"""The worker: the long-running process behind ``sepbots runner`` that claims run requests and runs them."""
