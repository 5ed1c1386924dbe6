"""Facts the rules read, generated from the packages themselves (see each builder)."""
