"""Changing a DSC+ PIN in the portal (T8, KB1018): the card proves the current PIN by
answering a challenge, then the new one replaces it. Device logic, whatever page links
to it: the DSC+ box of the SLS page shows it beside the card's order."""
