"""The embedded development chain: an anvil node run by sanzhi and the development consortium."""
