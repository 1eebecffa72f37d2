"""End-to-end tests: the real bot against a local Discord-compatible server."""
