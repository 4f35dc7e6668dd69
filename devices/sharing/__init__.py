"""Sharing one card between users of one person or entity (H1-H5, KB2481): who may share
with whom, the share wizard, and Compliance's review in the admin."""
