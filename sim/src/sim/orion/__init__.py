"""The Orion stand-in: entities, batch updates, subscriptions and their notifications."""
