"""django-rules predicates and permissions, one module per side of the process."""
