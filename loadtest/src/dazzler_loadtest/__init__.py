"""Locust load tests of Dazzler boards."""
