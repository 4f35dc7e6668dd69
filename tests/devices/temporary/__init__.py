"""Tests of devices.temporary."""
