"""The package version, in a module of its own: importing it costs nothing and pulls in no
other part of the package (the HTTP client sends it as its User-Agent)."""

__version__ = "0.1.0"
