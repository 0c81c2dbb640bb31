"""E-certificates: wrapping and issuing batches, lifecycle and utilization, verification, VCs."""
