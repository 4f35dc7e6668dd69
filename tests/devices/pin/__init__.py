"""Tests of devices.pin."""
