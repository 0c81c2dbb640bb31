"""Signing accounts: keys (development mnemonic, private key, keystore) and named profiles."""
