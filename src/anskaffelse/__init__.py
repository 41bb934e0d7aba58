"""anskaffelse: a terminal guide for public buyers who want to buy from social entrepreneurs."""

__version__ = "0.1.0"
