"""The document store: encrypted documents off chain, named by their IPFS content identifier,
kept in a local directory and on an IPFS node."""
