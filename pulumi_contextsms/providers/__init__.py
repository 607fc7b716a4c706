"""Dynamic providers: check/diff/create/read/update/delete per record."""
