"""The showcase board: Bootstrap themes, controls and sample figures, no data source."""
