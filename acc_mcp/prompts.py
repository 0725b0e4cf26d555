"""MCP prompts for the recurring jobs: weekly status, overdue digest, review bottlenecks, safety report.

A prompt is a ready-made request the user picks from the client's command list (`/acc-mcp:weekly_status` in
Claude Code, the prompt picker in VS Code and Claude Desktop). It renders one user message that says which
tools to call with which arguments and how to write the answer up, so the model needs no exploration turns.

Arguments reach a prompt as strings; each is typed here (dates, bounded whole numbers, choices) and checked
by the SDK, so `days=abc` is refused with the argument's name. Steps name only tools the server exposes
(toolsets and read-only change that), and a prompt whose core tool is hidden is not offered at all. Dates
are judged against the server's "today" (the sandbox's fixed day in the demo), like the tools' "overdue".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from mcp.server.mcpserver.prompts import Prompt, PromptManager
from mcp.server.mcpserver.prompts.base import UserMessage
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS
from pydantic import Field, ValidationError

if TYPE_CHECKING:
    from .server import AccServer

OPEN_ISSUE = '["open","pending","in_progress","in_review","in_dispute","not_approved"]'
OPEN_RFI = '["submitted","open"]'

Project = Annotated[str, Field(description="Project name (part of it is enough), job number or id.")]


def _steps(visible: set[str], steps: Sequence[tuple[str, str]]) -> str:
    """Numbered steps, keeping those whose tool the server exposes."""
    kept = [text for tool, text in steps if tool in visible]
    return "\n".join(f"{i}. {text}" for i, text in enumerate(kept, 1))


def _period(end: date, days: int) -> tuple[date, date]:
    return end - timedelta(days=days - 1), end


class _Prompt(Prompt):
    """A prompt whose missing or malformed argument is an invalid-params error naming it, not an internal error."""

    async def render(self, arguments: dict[str, Any] | None, context: Any) -> Any:
        missing = sorted({a.name for a in self.arguments or [] if a.required} - set(arguments or {}))
        if missing:
            raise MCPError(INVALID_PARAMS, f"{self.name}: missing argument {', '.join(missing)}")
        try:
            text = str(self.fn(**(arguments or {})))  # validated: the SDK wraps it in pydantic's validate_call
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "arguments"
            raise MCPError(INVALID_PARAMS, f"{self.name}: {where}: {first['msg']}") from None
        return [UserMessage(text)]


class _Deferred(PromptManager):
    """The server's prompts, made when a client first lists or gets one, not while the server starts.

    Making a prompt is pydantic work (its arguments' schema, a validating wrapper): a few ms for the four,
    which the answer to the first tools/list should not wait for.
    """

    def __init__(self, made: PromptManager, make: Callable[[], None]) -> None:
        super().__init__(warn_on_duplicate_prompts=made.warn_on_duplicate_prompts)
        self._prompts = made._prompts
        self._make: Callable[[], None] | None = make

    def _ready(self) -> None:
        if self._make is not None:
            make, self._make = self._make, None
            make()

    def get_prompt(self, name: str) -> Prompt | None:
        self._ready()
        return super().get_prompt(name)

    def list_prompts(self) -> list[Prompt]:
        self._ready()
        return super().list_prompts()

    def add_prompt(self, prompt: Prompt) -> Prompt:
        self._ready()
        return super().add_prompt(prompt)

    def remove_prompt(self, name: str) -> None:
        self._ready()
        super().remove_prompt(name)


def register_prompts(server: AccServer, *, today: Callable[[], date] = date.today) -> None:
    """Add the prompts whose core tools `server` exposes (made at the first prompts request: `_Deferred`)."""
    visible = {name for name, spec in server.specs.items() if not (server.read_only and spec.write)}

    def add(fn: Callable[..., str], title: str, needs: str) -> None:
        if needs in visible:
            server.add_prompt(_Prompt.from_function(fn, name=fn.__name__, title=title))

    def weekly_status(
        project: Project,
        week_ending: Annotated[
            date | None, Field(description="Last day of the week, YYYY-MM-DD (default: today).")
        ] = None,
    ) -> str:
        """A weekly status report for one project: issues, RFIs, reviews and site photos of the week."""
        start, end = _period(week_ending or today(), 7)
        week = f"{start.isoformat()}..{end.isoformat()}"
        steps = _steps(
            visible,
            [
                ("get_project", f'get_project project="{project}" — name, job number, dates.'),
                ("list_issues", f'list_issues project="{project}" created="{week}" — issues raised this week.'),
                (
                    "list_issues",
                    f'list_issues project="{project}" status={OPEN_ISSUE} due="..{end.isoformat()}" sort=dueDate '
                    "— open issues due by the end of the week (the overdue ones are marked).",
                ),
                (
                    "search_rfis",
                    f'search_rfis project="{project}" status={OPEN_RFI} sort=dueDate — RFIs waiting for an answer.',
                ),
                ("list_reviews", f'list_reviews project="{project}" status=OPEN — document reviews in flight.'),
                (
                    "get_review_progress",
                    "get_review_progress for any open review whose current step looks late — who holds it.",
                ),
                ("search_photos", f'search_photos project="{project}" taken="{week}" — the week on site.'),
            ],
        )
        return (
            f"Write the weekly status report for the project {project!r}, week {week} (today is "
            f"{today().isoformat()}).\n\nGather the facts with these calls:\n{steps}\n\n"
            "Then write: a three-line summary; Issues (new this week by type, open and overdue counts, the five "
            "most urgent with number, assignee and due date); RFIs (open, overdue, the oldest); Reviews (each "
            "open review, its current step and who acts next); Site photos (what they show, by day); Risks and "
            "actions for next week. Quote issue and RFI numbers. Say what you could not find rather than guess."
        )

    def overdue_digest(
        projects: Annotated[
            str | None, Field(description="Comma-separated project names; default: every active project.")
        ] = None,
        min_days_overdue: Annotated[
            int, Field(ge=0, le=365, description="Only items at least this many days late (default 0).")
        ] = 0,
        assignee: Annotated[str | None, Field(description="Only this person's items (name or email).")] = None,
    ) -> str:
        """Overdue issues and RFIs across projects, grouped by project and by who must act."""
        cutoff = today() - timedelta(days=min_days_overdue + 1)
        due = f"..{cutoff.isoformat()}"
        who = f' assignee="{assignee}"' if assignee else ""
        scope = (
            f"the projects {', '.join(p.strip() for p in projects.split(',') if p.strip())}"
            if projects
            else "every active project (list_projects status=active)"
        )
        cover = [] if projects else [("list_projects", "list_projects status=active — the projects to cover.")]
        steps = _steps(
            visible,
            [
                *cover,
                (
                    "list_issues",
                    f'For each project: list_issues project=<name> status={OPEN_ISSUE} due="{due}"{who} '
                    "sort=dueDate — its overdue issues (follow the cursor if there are more).",
                ),
                (
                    "search_rfis",
                    f'For each project: search_rfis project=<name> status={OPEN_RFI} due="{due}"{who} '
                    "sort=dueDate — its overdue RFIs.",
                ),
                (
                    "list_data_connector_jobs",
                    "For dozens of projects, the latest Data Connector extract (list_data_connector_jobs) holds "
                    "every issue and RFI as CSV; use it instead of paging through each project.",
                ),
            ],
        )
        return (
            f"Write an overdue digest for {scope}: open issues and RFIs whose due date is on or before "
            f"{cutoff.isoformat()} (today is {today().isoformat()}"
            + (f", at least {min_days_overdue} days late" if min_days_overdue else "")
            + (f"; only items assigned to {assignee}" if assignee else "")
            + f").\n\nGather the facts with these calls:\n{steps}\n\n"
            "Then write: a one-line total per project (issues, RFIs, the longest overdue); a table per project "
            "with number, title, assignee, due date and days overdue, longest overdue first; and a closing list "
            "of the people or companies holding the most overdue items. Skip projects with nothing overdue."
        )

    def review_bottlenecks(
        project: Project,
        stuck_days: Annotated[
            int, Field(ge=1, le=180, description="A step waiting longer than this many days is a bottleneck (7).")
        ] = 7,
    ) -> str:
        """Where document reviews are stuck: which step, who holds it, for how long."""
        since = today() - timedelta(days=stuck_days)
        steps = _steps(
            visible,
            [
                ("list_reviews", f'list_reviews project="{project}" status=OPEN — every open review.'),
                (
                    "get_review_progress",
                    f'get_review_progress project="{project}" review=<number> for each open review — its steps, '
                    "who acted and when, and who acts next.",
                ),
                (
                    "list_project_users",
                    f'list_project_users project="{project}" name=<person> — company and role of whoever holds a '
                    "stuck step.",
                ),
            ],
        )
        return (
            f"Find the review bottlenecks on the project {project!r}: open reviews whose current step has waited "
            f"since before {since.isoformat()} ({stuck_days} days; today is {today().isoformat()}).\n\n"
            f"Gather the facts with these calls:\n{steps}\n\n"
            "Then write: the stuck reviews, longest wait first (review number and name, current step, who holds "
            "it, days waiting, documents affected); a count of stuck steps per person and per company; and one "
            "suggested action per bottleneck (a reminder, a reassignment). End with reviews on track, in one line."
        )

    def safety_report(
        project: Project,
        days: Annotated[int, Field(ge=1, le=366, description="How many days back to cover (default 30).")] = 30,
        focus: Annotated[
            Literal["all", "incidents", "hazards", "near_misses"],
            Field(description="all, incidents, hazards or near_misses (default all)."),
        ] = "all",
    ) -> str:
        """A safety report for one project: incidents, hazards and near misses, open actions and site photos."""
        start, end = _period(today(), days)
        span = f"{start.isoformat()}..{end.isoformat()}"
        kind = {"all": "Safety", "incidents": "Incident", "hazards": "Hazard", "near_misses": "Near Miss"}[focus]
        steps = _steps(
            visible,
            [
                (
                    "list_issues",
                    f'list_issues project="{project}" type="{kind}" created="{span}" — safety issues raised in the '
                    "period (type Safety, subtypes Incident, Hazard, Near Miss).",
                ),
                (
                    "list_issues",
                    f'list_issues project="{project}" type="{kind}" status={OPEN_ISSUE} sort=dueDate — every '
                    "safety issue still open, whenever raised.",
                ),
                ("get_issue", f'get_issue project="{project}" issue=<number> for each incident — details, comments.'),
                (
                    "search_photos",
                    f'search_photos project="{project}" taken="{span}" title="safety" — photos from safety walks '
                    "(search again without title if none).",
                ),
            ],
        )
        return (
            f"Write the safety report for the project {project!r}, {span} ({days} days to today, "
            f"{today().isoformat()}"
            + ("" if focus == "all" else f"; only {focus.replace('_', ' ')}")
            + f").\n\nGather the facts with these calls:\n{steps}\n\n"
            "Then write: headline counts by subtype (incidents, hazards, near misses) and how they compare with "
            "the first half of the period; each incident with number, what happened, where, root cause and "
            "status; open hazards, overdue first, with who must act; repeated locations or causes; and the "
            "corrective actions to chase this week. Be factual: no names of injured people beyond the record."
        )

    def add_all() -> None:
        add(weekly_status, "Weekly project status", "list_issues")
        add(overdue_digest, "Overdue digest across projects", "list_issues")
        add(review_bottlenecks, "Review bottlenecks", "get_review_progress")
        add(safety_report, "Safety report", "list_issues")

    server._prompt_manager = _Deferred(server._prompt_manager, add_all)
