"""board_insight."""
