"""board_sleuth."""
