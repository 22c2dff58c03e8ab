"""Everything that speaks HTTP to the FinHub gateway lives in this package."""
