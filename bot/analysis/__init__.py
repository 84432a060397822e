"""Session matching, step alignment, rep metrics and compliance. Pure: imports no client library."""
