"""Tests of devices.ib_key."""
