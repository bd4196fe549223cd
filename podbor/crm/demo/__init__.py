"""Demo data for `manage.py seed_demo`: the people, pipelines and history a new user sees in the first minutes."""
