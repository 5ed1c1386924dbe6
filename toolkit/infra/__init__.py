"""Infrastructure helpers: driving the terraform binary where one is installed."""
