"""``derive serve``: the web app for students and instructors (the extra ``derive[web]``: Starlette on uvicorn).

``app.create_app`` builds the app; ``pool`` runs the engine in worker processes; ``jobs`` is what a worker
does; ``page/`` the one page, which uses the same JSON API a script can (``/api/read``, ``/api/steps``,
``/api/mark``, ``/api/prove``, ``/api/backward``, ``/api/plot``, ``/api/slides``).
"""
