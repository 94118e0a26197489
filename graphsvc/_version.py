"""The version of graphsvc (read by the package, the CLI, the API and snapshots)."""

__version__ = "0.1.0"
