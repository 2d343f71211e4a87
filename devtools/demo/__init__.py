"""Demo data for `make run`: one authority, enterprise and institution per region."""
