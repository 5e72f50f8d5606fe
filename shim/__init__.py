"""Generic strangler-fig machinery: modes, routing, comparison and parity reports.

The shim knows nothing about Tautulli: the application passes it domains, operations and paths.
"""

__all__: list[str] = []
