"""Organizations: the profiles of the groups that join coalitions and sign letters."""
