"""Oracles: read customs systems, normalise, sign with a quorum, submit through an outbox."""
