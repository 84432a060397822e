"""Workout model, text parsers and pace arithmetic. Pure: imports no client library."""
