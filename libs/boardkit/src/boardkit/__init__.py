"""boardkit."""
