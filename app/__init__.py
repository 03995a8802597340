"""PhotoTriage: local photo culling."""

__version__ = "0.1.0"
