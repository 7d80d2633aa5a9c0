"""What one build in a process keeps for the next: each briefing's assessment, page and data.

`brief serve` builds again and again in one process, and its load returns the very same
model object for every file that did not change (`content.cache`). For such a briefing the
next build needs neither to assess its claims again, nor to plan its page, nor to walk that
page to hash it: when the briefing is the same object, and everything else its page is
planned from (its resolved links, its sources' anchors on /sources/, the base URL and the
configuration) is equal, the page is the same as last time, and so are its JSON data and,
under the same templates, its fingerprint.

Entries hold their briefing, so that no other object can take its `id` while remembered.
A build keeps only what it used, so memory does not grow with every save; `--clean` reads
nothing from here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from generator.analysis.confidence import ClaimAssessment
from generator.config import SiteConfig
from generator.content.linking import LinkTarget
from generator.content.model import Briefing
from generator.diagnostics import Diagnostic, DiagnosticList
from generator.views import BriefingPage


@dataclass
class _Remembered:
    briefing: Briefing
    assessments: dict[str, ClaimAssessment]
    findings: tuple[Diagnostic, ...]
    #: The page, and what it was planned from besides the briefing and its assessments.
    page: BriefingPage | None = None
    page_inputs: tuple[object, ...] = ()
    data: str | None = None
    #: (render context, fingerprint) of the page.
    fingerprint: tuple[str, str] | None = None


class PlanMemo:
    """One build's assessments, pages, data and fingerprints, for the next build."""

    def __init__(self) -> None:
        self._config: SiteConfig | None = None
        self._last: dict[int, _Remembered] = {}
        self._now: dict[int, _Remembered] = {}

    def begin(self, config: SiteConfig, read: bool = True) -> None:
        """Start a build: what was kept under another configuration, or with `read` false,
        is dropped."""
        if not read or config != self._config:
            self._last = {}
        self._config = config
        self._now = {}

    def end(self) -> None:
        """End a build: the next one sees only what this one used."""
        self._last, self._now = self._now, {}

    def assess(
        self,
        briefing: Briefing,
        diagnostics: DiagnosticList,
        assess: Callable[[Briefing], tuple[dict[str, ClaimAssessment], list[Diagnostic]]],
    ) -> dict[str, ClaimAssessment]:
        """`assess(briefing)`'s assessments, its findings added to `diagnostics`."""
        remembered = self._last.get(id(briefing))
        if remembered is None or remembered.briefing is not briefing:
            assessments, findings = assess(briefing)
            remembered = _Remembered(briefing, assessments, tuple(findings))
        diagnostics.extend(remembered.findings)
        self._now[id(briefing)] = remembered
        return remembered.assessments

    def page(
        self,
        briefing: Briefing,
        assessments: Mapping[str, ClaimAssessment],
        links: Mapping[int, LinkTarget],
        anchors: tuple[str, ...],
        base_url: str | None,
        plan: Callable[[], BriefingPage],
    ) -> BriefingPage:
        """The briefing's page: last build's when planned from the same inputs, else `plan()`.
        `anchors` are its sources' anchors on /sources/, in order."""
        remembered = self._now.get(id(briefing))
        if remembered is None or remembered.assessments is not assessments:
            return plan()
        inputs = (dict(links), anchors, base_url)
        if remembered.page is None or remembered.page_inputs != inputs:
            remembered.page = plan()
            remembered.page_inputs = inputs
            remembered.data = None
            remembered.fingerprint = None
        return remembered.page

    def data(self, briefing: Briefing, page: BriefingPage, make: Callable[[], str]) -> str:
        """The briefing's JSON data for this page: last build's for the same page, else `make()`."""
        remembered = self._now.get(id(briefing))
        if remembered is None or remembered.page is not page:
            return make()
        if remembered.data is None:
            remembered.data = make()
        return remembered.data

    def fingerprints(self, context: str) -> dict[int, str]:
        """The known fingerprints of this build's pages under `context`, by the page's `id`."""
        return {
            id(remembered.page): remembered.fingerprint[1]
            for remembered in self._now.values()
            if remembered.page is not None
            and remembered.fingerprint is not None
            and remembered.fingerprint[0] == context
        }

    def remember_fingerprints(self, context: str, fingerprints: Mapping[str, str]) -> None:
        """Record the fingerprints this build gave its briefing pages (by page path)."""
        for remembered in self._now.values():
            if remembered.page is not None and remembered.page.path in fingerprints:
                remembered.fingerprint = (context, fingerprints[remembered.page.path])


#: The memo of this process's builds.
MEMO = PlanMemo()
