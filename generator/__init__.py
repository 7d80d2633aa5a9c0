"""Brief: a static site generator for annotated intelligence and news briefings."""

__version__ = "0.1.0"
