"""The smart-readiness assessment: an indicator framework, members' self-assessments committed
on chain and shared with every member, and comparisons against the consortium's median."""
