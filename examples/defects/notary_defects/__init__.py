"""A small notary schema with deliberate defects, one or more per steward rule."""
