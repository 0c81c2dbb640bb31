"""The production network: Besu QBFT consortium files (keys, genesis, node configuration,
allowlists, docker compose, systemd), their check, and adding a member."""
