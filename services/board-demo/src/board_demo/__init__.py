"""board_demo."""
