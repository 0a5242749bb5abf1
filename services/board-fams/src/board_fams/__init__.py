"""board_fams."""
