from __future__ import annotations

from django.core.asgi import get_asgi_application

from config.entrypoints import settings_module_default

settings_module_default()
application = get_asgi_application()
