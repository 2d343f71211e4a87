from __future__ import annotations

from django.core.wsgi import get_wsgi_application

from config.entrypoints import settings_module_default

settings_module_default()
application = get_wsgi_application()
