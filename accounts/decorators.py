"""Every portal page needs a session verified by a second factor, not just a password."""

from django_otp.decorators import otp_required

verified_login_required = otp_required(login_url="accounts:login")
