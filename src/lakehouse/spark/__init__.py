"""Spark and its JVM: the pinned distribution, sessions, tuning knobs, the class archive, and
reading tables through the catalog."""
