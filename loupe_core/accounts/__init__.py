"""Users, groups, API keys, sessions and the audit log, in a SQLite file beside the library."""
