"""Use cases: each opens a unit of work, calls repositories, commits, returns data."""
