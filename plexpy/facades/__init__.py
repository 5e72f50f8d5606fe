"""Per-domain parts of Tautulli classes that span several domains (``DataFactory``).

Each module holds one mixin with the methods of one domain; ``plexpy.datafactory.DataFactory`` combines them,
so every method still routes by its own domain's flag.
"""

__all__: list[str] = []
