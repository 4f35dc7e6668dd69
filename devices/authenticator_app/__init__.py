"""Adding an authenticator app (F3, G2): after a fresh answer from a permanent device, the
user scans a QR code of a new secret into any RFC 6238 app and confirms it with a first
code. From then on the app answers through the gate like every other device."""
