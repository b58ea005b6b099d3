"""``derive serve``: the web app for students and instructors (the extra ``derive[web]``: Starlette on uvicorn).

``app.create_app`` builds the app; ``jobs`` is the table of the API's routes (``/api/<kind>``: each job's
parsing, cache key and computation), ``query`` how a request's parameters are checked; ``pool`` runs the
jobs in worker processes; ``page/`` the one page, which uses the same JSON API a script can, its lists
written in by the server from derive's registries (``choices``); ``tables`` those lists as the documentation's
Markdown tables.
"""
