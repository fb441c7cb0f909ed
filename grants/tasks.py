"""Celery tasks of the grants app: thin, keyword-only ids, calling the services."""
