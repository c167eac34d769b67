"""Who publishes the site and where: what structured data and sharing metadata need."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin


@dataclass(frozen=True)
class SiteInfo:
    name: str
    url: str  # absolute address of the site root, ending in "/"
    publisher: str  # the organisation that publishes the fact-checks
    publisher_url: str
    language: str = "en"

    def absolute(self, site_relative: str) -> str:
        return urljoin(self.url if self.url.endswith("/") else self.url + "/", site_relative)
