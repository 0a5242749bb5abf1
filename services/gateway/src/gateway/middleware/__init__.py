"""Pure ASGI middleware, one concern per module."""
