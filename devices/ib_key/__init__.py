"""IB Key, the phone app (K1-K7): the app's registered keys, activation in the app, and
push approval of a login."""
