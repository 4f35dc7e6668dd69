"""The Client Portal's pages: the browser login flow, the Secure Login System settings
page and the dashboard. The top floor: it imports accounts, devices and withdrawals, and
nothing imports it (tests/test_layout.py)."""
