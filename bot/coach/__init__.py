"""Tuning rules, taper and explanations. Pure: imports no client library."""
