"""Comparing two documents in the window: the diff view and the compare window."""
