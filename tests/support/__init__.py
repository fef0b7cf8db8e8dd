"""Test support: the one place for personas, factories and helpers shared by tests.

A test module imports helpers from here, never from another test module or a conftest;
conftest files hold only fixtures and hooks (tests/test_support_imports.py checks it).

- personas: the fixed personas (owner coach, other coach, client, other client, solo user,
  anonymous), PASSWORD and TODAY, and signing them in with Django's test client.
- knowledge: synthetic catalogue records and all-"no" screening answers; no Django.
- factories: a whole practice with every kind of record, and form data for the views.
- api: a JSON caller with a personal API token, and the roles it can play.
- pdf: reading real PDFs with poppler's tools.
- commands: running the `selfmob` command, in process and as a real process.
- backups: a PostgreSQL database of a test's own, reading and changing backup files, and a
  process that keeps logging sessions.
- browser: Chromium, axe-core and signing in, for the Playwright tests.
"""
