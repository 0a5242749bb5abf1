"""Starts and stops the whole Dazzler stack as local processes."""
