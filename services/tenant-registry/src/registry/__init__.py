"""The tenant registry: which tenants exist and which boards each of them sees."""
