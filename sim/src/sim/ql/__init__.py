"""The QuantumLeap stand-in: storage, query semantics, aggregation, errors and routes."""
