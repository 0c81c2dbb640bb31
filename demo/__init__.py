"""The demo data `sanzhi up` puts on a fresh development chain (an application of the library)."""
