from django.core.wsgi import get_wsgi_application

from baanbrekers.settings.entrypoint import settings_module_select

# The module the environment names (production in the image); never the build settings, never
# dev with DEBUG off.
settings_module_select(command="wsgi")

application = get_wsgi_application()
