"""Security keys and authenticator apps at the support desk (F1, F3, F4): their list and
their removal. Their holders register them from the portal; the desk never adds one."""
