"""The fault suite (`pytest -m faults`, issue 15): each test runs gunicorn over the test
database with a Redis of its own, breaks something under it (Redis, the database's
connections, a worker), and checks what the client saw, what the database holds, and that
service resumed without a restart."""
