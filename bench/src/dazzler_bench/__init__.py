"""Dazzler benchmark report."""
