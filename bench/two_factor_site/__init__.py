"""A minimal Django project with django-two-factor-auth's login (password, then TOTP),
the yardstick for the portal's login throughput in `make bench`."""
