"""The change log: one row per committed tenant write, read by caches in other processes."""
