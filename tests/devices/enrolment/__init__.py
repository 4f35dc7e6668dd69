"""Tests of devices.enrolment."""
