"""The entity monitor board: live charts of any entity type, described by a spec."""
