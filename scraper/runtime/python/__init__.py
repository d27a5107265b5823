"""The Python run-time library (standard library only), copied into generated packages."""
