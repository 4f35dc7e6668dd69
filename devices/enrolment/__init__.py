"""Enrolment of a new applicant at the first login (E1): a confirmed mobile number as the
SMS device until IB Key is active (K7)."""
