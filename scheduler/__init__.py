"""Wakes up when the next deadline falls due and hands due deadlines to the services."""
