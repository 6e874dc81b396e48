"""Tags: organizers' own labels on a coalition's supporters, to find them and to alert them."""
