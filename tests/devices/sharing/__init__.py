"""Tests of devices.sharing."""
