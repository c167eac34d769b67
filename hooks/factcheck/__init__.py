"""Fact-check site engine: plain Python, independent of MkDocs.

Data flows one way:

    files ──► yamlfile / sources / entities / claims / verdicts   (load and validate)
          ──► repository   (cross-references, one list of problems)
          ──► anchoring    (resolve each claim's span in its source)
          ──► site         (the site model: pages, URLs, mentions)
          ──► rendering    (HTML for each page, JSON exports)

`factcheck_hook.py` beside this package adapts the result to MkDocs;
`cli.py` offers the same pipeline on the command line.
"""
