"""Everything that trains or evaluates models (no Qt)."""
