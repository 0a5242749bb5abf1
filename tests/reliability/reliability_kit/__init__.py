"""Support code of the reliability and soak suites: processes, traffic, tenants, outcomes."""
