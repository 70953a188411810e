"""One CloudWatch alarm: its metric around the threshold, its history, a way to its function."""
