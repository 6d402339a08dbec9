"""Reference automations: one folder per catalogued process."""
