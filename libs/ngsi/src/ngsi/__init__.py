"""ngsi."""
