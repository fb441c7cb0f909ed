"""The home page: the open calls, what the Ministry has funded, and a staff officer's to-do list.

It sits at the top of the apps' order (it reads ``calls``, ``associations``, ``grants`` and
``reports``) so that ``portal`` imports none of them.
"""
