"""Adapters for the evaluation tools trackers are judged with (the got10k toolkit)."""
