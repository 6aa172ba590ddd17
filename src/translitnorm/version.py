"""The package version, in a module of its own so that modules below the package root (the
index cache key) can read it without importing the root and everything it re-exports."""

__version__ = "0.1.0"
