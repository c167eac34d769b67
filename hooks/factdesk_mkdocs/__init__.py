"""The fact-check engine as an MkDocs plugin (`plugins: - factcheck` in mkdocs.yml).

The engine (`factdesk`) never imports MkDocs; this package is the whole of the adapter.
"""
