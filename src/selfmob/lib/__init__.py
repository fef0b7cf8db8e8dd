"""Small helpers that import nothing of Django, usable from anywhere below the interfaces."""
