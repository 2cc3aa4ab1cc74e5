"""Models of the PostgreSQL environment of the defect example."""
