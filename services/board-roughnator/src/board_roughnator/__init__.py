"""board_roughnator."""
