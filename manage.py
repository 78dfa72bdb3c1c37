#!/usr/bin/env python
import sys


def main():
    from django.core.exceptions import ImproperlyConfigured

    # No DJANGO_SETTINGS_MODULE means the development settings, unless DEBUG is off: then the
    # production settings; dev with DEBUG off is refused. See baanbrekers.settings.entrypoint.
    try:
        # Importing the package loads the Celery app, which makes the same choice.
        from baanbrekers.settings.entrypoint import settings_module_select

        settings_module_select(command=sys.argv[1] if len(sys.argv) > 1 else "help")
    except ImproperlyConfigured as error:
        sys.exit(f"manage.py: {error}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
