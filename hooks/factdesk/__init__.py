"""Fact-check site engine: plain Python, independent of MkDocs.

Data flows one way:

    files ──► yamlfile / sources / entities / claims / verdicts   (load and validate)
          ──► repository   (cross-references, one list of problems)
          ──► anchoring    (resolve each claim's span in its source)
          ──► site         (the site model: pages, URLs, mentions)
          ──► rendering    (HTML for each page, JSON exports)

`factdesk_mkdocs` beside this package adapts the result to MkDocs (the plugin, and
`factcheck_hook.py` for a checkout that builds with its own engine); `cli.py` offers
the same pipeline on the command line.
"""

__version__ = "0.1.0"  # the package's version (pyproject.toml reads it from here)
