"""The document store: encrypted documents off chain, named by content."""
