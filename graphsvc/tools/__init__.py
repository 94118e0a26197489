"""Tools around the service: register import and SYNTHETIC benchmark scenarios."""
