"""Consortium membership, governance proposals and accreditations (bindings and models)."""
