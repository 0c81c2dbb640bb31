"""The blob store: opaque (already encrypted) blobs named by their IPFS content identifier,
kept in a local directory or on an IPFS node."""
