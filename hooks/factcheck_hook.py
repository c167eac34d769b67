"""MkDocs hook (`hooks: - hooks/factcheck_hook.py`): the fact-check plugin, with the engine beside this file.

For a checkout that builds with its own engine rather than an installed one (engine edits show in
`make serve` without a reinstall). A site that installs the package writes `plugins: - factcheck`
instead; both run the same code (`factdesk_mkdocs.plugin`).
"""

from pathlib import Path

# MkDocs puts this file's folder first on the import path while it loads a hook.
from factdesk_mkdocs.plugin import FactcheckPlugin

_plugin = FactcheckPlugin(engine_folder=Path(__file__).resolve().parent)
# MkDocs calls a hook's module-level `on_<event>` functions: the plugin's own handlers.
globals().update({name: getattr(_plugin, name) for name in vars(FactcheckPlugin) if name.startswith("on_")})
