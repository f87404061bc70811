"""HTTP layer: the only place that knows HTTP. Build the app with :func:`create_app`."""

from smartborder.api.app import create_app

__all__ = ["create_app"]
