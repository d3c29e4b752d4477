"""Whole-database backups: one checked file that restores into an empty database."""
