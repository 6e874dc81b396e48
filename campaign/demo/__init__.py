"""Demo data drawn from the articles in shared/seeds, loaded by `flask demo load`."""
