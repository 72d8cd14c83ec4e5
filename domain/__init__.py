"""Pure domain rules: statuses, progress, names. No I/O, no framework imports."""
