"""`make bench`: figures of speed, printed, not asserted (see docs/performance.md)."""
