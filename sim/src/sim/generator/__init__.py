"""The live data generator for every board."""
