"""Interim access after a lost, damaged or unavailable device (T1-T4): temporary passcodes
issued by support, the online security card, what each opens per day and channel, and
reactivating the permanent device."""
