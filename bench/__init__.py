"""Benchmarks that print figures; never run as tests (see docs/PERFORMANCE.md)."""
