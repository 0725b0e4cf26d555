"""The planted bugs scripts/mutate.py runs: each a text substitution in one file, and what the bug is.

Each `old` must occur exactly once in its file (mutate.py checks, and so does tests/test_mutate_table.py), so
re-target a mutant here when the code it names is rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    file: str
    old: str
    new: str
    description: str


# ============================================================================================================
# The mutants: (file, exact unique old text, new text, what the bug is). Re-target these when the tools change.
# ============================================================================================================
T = "acc_mcp/tools/"
V = "acc_mcp/views.py"
MUTANTS: tuple[Mutant, ...] = (
    # --- admin ---------------------------------------------------------------------------------------------
    Mutant(
        T + "admin.py", 'None,\n                to="filter[status]",', "None,", "list_projects drops the status filter"
    ),
    Mutant(
        T + "admin.py", 'fixed={"sort": "name", "fields"', 'fixed={"sort": "-name", "fields"', "list_projects sorts Z-A"
    ),
    Mutant(T + "admin.py", 'None, to="filter[companyName]")', "None)", "list_project_users drops company"),
    Mutant(
        T + "admin.py",
        'views={"name": MEMBER_CONTACT, "company": MEMBER_CONTACT},',
        "",
        "list_project_users never shows the email",
    ),
    Mutant(
        T + "admin.py", 'F("job", "jobNumber"),', 'F("job", "jobNumber", "bare"),', "project lines lose the 'job' label"
    ),
    # --- issues --------------------------------------------------------------------------------------------
    Mutant(T + "issues.py", 'range_param("due", "filter[dueDate]"),', "", "list_issues drops the due filter"),
    Mutant(
        T + "issues.py",
        'range_param("created", "filter[createdAt]"),',
        'range_param("created", "filter[dueDate]"),',
        "list_issues filters the created range on dueDate",
    ),
    Mutant(
        T + "issues.py",
        'to="filter[status]",\n                via=Via(_status),',
        "",
        "list_issues drops the status filter",
    ),
    Mutant(
        T + "issues.py",
        'else {"filter[search]": value}',
        'else {"filter[title]": value}',
        "list_issues sends search text as a title filter",
    ),
    Mutant(
        T + "issues.py",
        'fixed={"sortBy": "-updatedAt"}',
        'fixed={"sortBy": "updatedAt"}',
        "list_issues oldest update first",
    ),
    Mutant(
        T + "issues.py",
        'to="filter[assignedTo]", via=ASSIGNEE)',
        'to="filter[assignedTo]")',
        "list_issues drops the assignee lookup (sends the name)",
    ),
    Mutant(T + "issues.py", 'to="*", via=ISSUE_TYPE)', "to=None)", "list_issues ignores type"),
    Mutant(
        T + "lookups.py",
        'return {"filter[issueSubtypeId]": key} if " / " in title else {"filter[issueTypeId]": key}',
        'return {"filter[issueTypeId]": key}',
        "an issue subtype sent as filter[issueTypeId]",
    ),
    Mutant(
        T + "issues.py",
        'OPEN = ("open", "pending",',
        'OPEN = ("closed", "open", "pending",',
        "closed issues marked overdue",
    ),
    Mutant(
        T + "issues.py",
        'lambda n: {"filter[displayId]": n}',
        'lambda n: {"filter[search]": n}',
        "get_issue looks a number up by free-text search",
    ),
    Mutant(T + "spec.py", 'full=bool(args.get("full")),', "full=False,", "get tools ignore full"),
    Mutant(
        T + "issues.py",
        'F("by", name_of("createdBy"), "joined"),',
        'F("by", "createdBy", "joined"),',
        "comments show ids, not authors",
    ),
    Mutant(T + "issues.py", 'fixed={"sortBy": "-createdAt"}', 'fixed={"sortBy": "createdAt"}', "comments oldest first"),
    # --- RFIs ----------------------------------------------------------------------------------------------
    Mutant(
        T + "rfis.py",
        '"DESC" if str(value).startswith("-") else "ASC"',
        '"ASC" if str(value).startswith("-") else "DESC"',
        "search_rfis inverts the sort direction",
    ),
    Mutant(
        T + "rfis.py",
        "return value[0] if len(value) == 1 else value",
        "return value[0]",
        "search_rfis sends only the first status",
    ),
    Mutant(T + "rfis.py", 'None, to="filter.priority"', "None", "search_rfis drops priority"),
    Mutant(T + "rfis.py", 'None, to="search")', "None)", "search_rfis drops the search text"),
    Mutant(
        T + "lookups.py",
        "return [await person_id(rt, scope, str(value))]",
        'return [await person_id(rt, scope, str(value), key="id")]',
        "RFI/photo people sent as member ids instead of Autodesk ids",
    ),
    Mutant(
        T + "rfis.py",
        'OPEN = ("submitted", "open")',
        'OPEN = ("submitted", "open", "answered")',
        "answered RFIs marked overdue",
    ),
    Mutant(
        T + "refs.py",
        '.lstrip("0") == text.lstrip("0")]',
        " == text]",
        "numbers must be quoted with their leading zeros",
    ),
    Mutant(T + "rfis.py", 'words=("rfi",),', "", "'RFI 012' is not understood"),
    # --- reviews -------------------------------------------------------------------------------------------
    Mutant(T + "reviews.py", 'replace(NAME, to="filter[name]"),', "", "list_reviews ignores name"),
    Mutant(
        T + "reviews.py", 'fixed={"sort": "createdAt desc"}', 'fixed={"sort": "createdAt"}', "list_reviews oldest first"
    ),
    Mutant(
        T + "reviews.py",
        'F("step due", lambda r, ctx: due(r.get("currentStepDueDate"), ctx.today) if _open(r) else None),',
        'F("step due", lambda r, ctx: due(r.get("dueDate"), ctx.today) if _open(r) else None),',
        "list_reviews reads the due date from a field reviews do not have",
    ),
    Mutant(
        T + "reviews.py",
        'F("next", lambda r, _: next_by(r) if _open(r) and not _claimed(r) else None),',
        "",
        "list_reviews no longer says who acts next",
    ),
    Mutant(
        T + "reviews.py",
        'number=Finder("reviews.reviews.list", "sequenceId", lambda n: {"filter[sequenceId]": n}',
        'number=Finder("reviews.reviews.list", "sequenceId", lambda n: {"filter[name]": n}',
        "get_review_progress looks a number up by name",
    ),
    Mutant(
        T + "refs.py",
        "hits = preferred if len(preferred) == 1 else hits",
        "pass",
        "an open review no longer wins a name",
    ),
    # --- photos --------------------------------------------------------------------------------------------
    Mutant(
        T + "photos.py",
        'NEWEST = {"sort": ["takenAt", "desc"]}',
        'NEWEST = {"sort": ["takenAt", "asc"]}',
        "search_photos oldest first",
    ),
    Mutant(T + "photos.py", 'None, to="filter.title")', "None)", "search_photos drops title"),
    Mutant(
        T + "photos.py",
        'to="filter.createdBy", via=PERSON_LIST)',
        'to="filter.createdBy")',
        "search_photos drops the taken_by lookup",
    ),
    Mutant(
        T + "photos.py",
        'url = urls.get("fileUrl") if size == "full" else',
        'url = urls.get("fileUrl") if size == "large" else',
        "get_photo always attaches the thumbnail",
    ),
    Mutant(
        T + "photos.py",
        'p.get("createdAt"), naive_utc=True)',
        'p.get("createdAt"))',
        "get_photo's time no longer says it is UTC",
    ),
    Mutant(
        T + "refs.py",
        "        if len(shown) == 1:\n",
        "        if False:\n",
        "a prefix a list showed is scanned for again",
    ),
    # --- Data Connector ------------------------------------------------------------------------------------
    Mutant(T + "data_connector.py", 'body["projectIdList"] = project_ids', "pass", "create drops projectIdList"),
    Mutant(
        T + "data_connector.py",
        'body["reoccuringInterval"] = every',
        'body["reoccuringInterval"] = 1',
        "create ignores every (reoccuringInterval 1)",
    ),
    Mutant(
        T + "data_connector.py",
        'body["effectiveTo"] = _iso("end", str(end))',
        'body["effectiveTo"] = str(end)',
        "create sends effectiveTo as a bare date",
    ),
    Mutant(
        T + "data_connector.py",
        "str(g).strip().lower() for g in",
        "str(g).strip() for g in",
        "create no longer normalises service groups",
    ),
    Mutant(
        T + "data_connector.py",
        'if schedule != "ONE_TIME":\n        body',
        'if schedule == "DAY":\n        body',
        "create sends no interval for weekly/monthly schedules",
    ),
    Mutant(
        T + "data_connector.py",
        'routes={"request": "dc.request_jobs.list"},',
        "",
        "list_data_connector_jobs ignores request",
    ),
    Mutant(
        T + "data_connector.py",
        'fixed={"sort": "desc"},',
        'fixed={"sort": "asc"},',
        "list_data_connector_jobs oldest first",
    ),
    Mutant(T + "data_connector.py", 'body["isActive"] = bool(args["active"])', "pass", "update drops active"),
    Mutant(
        T + "data_connector.py",
        "body[key] = _iso(name, str(args[name]))",
        "body[key] = str(args[name])",
        "update sends start/end as bare dates",
    ),
    Mutant(
        T + "data_connector_jobs.py",
        'if args.get("request"):\n        request_id',
        "if False:\n        request_id",
        "get_data_connector_job ignores request (the account's newest instead)",
    ),
    Mutant(
        T + "data_connector_jobs.py",
        'if job.get("status") == "complete":\n        ended',
        "if False:\n        ended",
        "cancel sends DELETE for a finished job",
    ),
    Mutant(
        T + "data_connector_jobs.py",
        'wanted = max(0, int(args.get("wait") or 0))',
        "wanted = 0",
        "get_data_connector_job does not wait",
    ),
    # --- shared list machinery, lookups, rendering ---------------------------------------------------------
    Mutant(
        T + "listing.py",
        'return f"{start}..{end}"',
        'return f"{end}..{start}"',
        "date ranges sent with their ends swapped",
    ),
    Mutant(
        T + "listing.py",
        "return check_date(name, start)  # one day",
        'return f"{check_date(name, start)}.."  # one day',
        "a one-day range sent as 'from that day on'",
    ),
    Mutant(
        T + "listing.py",
        "start=(position, skip), want=limit)",
        "start=(None, skip), want=limit)",
        "continuation restarts at the first page",
    ),
    Mutant(
        T + "listing.py",
        "start=(position, skip), want=limit)",
        "start=(position, skip), want=limit + 1)",
        "lists fetch one item more than the limit",
    ),
    Mutant(
        T + "lookups.py",
        "return str(matches[0].get(key))",
        'return str(matches[0].get("id"))',
        "people by name resolve to the member id",
    ),
    Mutant(
        T + "runtime.py",
        'return value.removeprefix("b.")\n        needle',
        "return value\n        needle",
        "project ids keep their b. prefix",
    ),
    Mutant(
        T + "spec.py",
        "view = next((v for p, v in self.views.items() if args.get(p)), self.view)",
        "view = self.view",
        "argument-dependent views ignored",
    ),
    Mutant(T + "spec.py", "elif post:\n", "elif False:\n", "POST filters sent in the query instead of the body"),
    Mutant(
        T + "issues.py",
        'ctx.names.get(company_key(i.get("assignedTo")))',
        'ctx.names.get(i.get("assignedTo"))',
        "group_by=company counts people, not their companies",
    ),
    Mutant(
        T + "listing.py",
        "if isinstance(position, str) and paging.random_access:",
        "if False:",
        "an edited cursor reaches the offset paging unchecked",
    ),
    Mutant(
        "acc_mcp/render.py", "overdue=shown.day < today", "overdue=shown.day <= today", "items due today marked overdue"
    ),
    Mutant(
        "acc_mcp/render.py",
        'lead += f"#{text} " if role == "number" else f"{text} "',
        'lead += f"{text} "',
        "numbers lose their '#'",
    ),
    # --- compact lists (issue 13) ---------------------------------------------------------------------------
    Mutant(T + "admin.py", 'group="company",', "", "list_account_users repeats the company on every line"),
    Mutant(T + "assets.py", 'group="category",', "", "list_assets repeats the category on every line"),
    Mutant(
        T + "spec.py",
        "return await count([Source(named, call, found)])",
        "return await count([Source(None, call, found)])",
        "counts of one project no longer say which project",
    ),
    Mutant(
        T + "assets.py",
        'return {"filter[locationId]": node, "includeSubLocations": True}',
        'return {"filter[locationId]": node}',
        "list_assets drops includeSubLocations (a level misses its wings)",
    ),
    Mutant(T + "locations.py", "kept[-1] = part", "kept.append(part)", "location paths repeat the parent's name"),
    Mutant(
        T + "locations.py",
        'return None if kind == "Area" else kind',
        "return kind",
        'every location line repeats "type Area"',
    ),
    Mutant(
        T + "forms.py",
        'lambda t, _: None if t.get("status") == "active" else t.get("status")',
        'lambda t, _: None if t.get("status") != "active" else t.get("status")',
        "form templates hide the inactive mark instead of 'active'",
    ),
    # --- this session's play-the-model fixes -------------------------------------------------------------------
    Mutant(T + "lookups.py", 'low = fold(value)  # "Tomas Alvarez"', "low = value.lower()  # \"Tomas Alvarez\"",
           "a person typed without accents is not found"),
    Mutant(T + "refs.py", "        if word != text:\n", "        if False:\n",
           "a name ACC's filter misses is not asked again by its longest word"),
    Mutant(T + "assets.py", "out += order[:at] if side < 0 else order[at + 1 :]",
           "out += order[at + 1 :] if side < 0 else order[:at]", "'before Installed' gives the steps after it"),
    Mutant(T + "assets.py", '_SIDES = {"before": -1, "not": -1, "after": 1}', '_SIDES = {"before": -1, "after": 1}',
           "'not installed' is no longer read as not yet installed"),
    Mutant(T + "issues.py", 'to="filter[createdBy]"', 'to="filter[createdby]"',
           "list_issues misspells the creator filter"),
    Mutant(T + "rfis.py", 'to="filter.createdBy"', 'to="filter.assignedTo"',
           "search_rfis sends created_by as assignee"),
    Mutant(T + "counts.py", "ranked.sort(key=lambda kv: (kv[0] == \"(none)\", kv[0]))", "pass",
           "week counts are ranked by count, not in time order"),
    Mutant(T + "fanout.py", 'where = f"{len(found)} of {asked}" if found and len(found) < asked else str(asked)',
           "where = str(asked)", "an account-wide list claims every project had matches"),
    Mutant(T + "reviews.py", 'F("step due", lambda r, ctx: due(r.get("currentStepDueDate"), ctx.today) if _open(r)',
           'F("due", lambda r, ctx: due(r.get("currentStepDueDate"), ctx.today) if _open(r)',
           "review lines say 'due', not whose due date"),
    Mutant(T + "admin.py", "    me=_me,\n", "", "get_person 'me' searches names for 'me'"),
    Mutant(T + "listing.py", '    position, skip, seen = decode_cursor(args["cursor"], query())',
           '    query()\n    position, skip, seen = decode_cursor(args["cursor"], query())',
           "every list hashes its query, cursor or not"),
    Mutant(T + "reviews.py", 'F("claimed", lambda r, _: _claimed(r) or None if _open(r) else None),', "",
           "a claimed review step is not marked"),
    Mutant(T + "schedules.py", "floor = max(ctx.today, last + timedelta(days=1)) if last else ctx.today",
           "floor = ctx.today", "a request's next run is the one that ran today"),
    Mutant(T + "rfis.py", 'range_param("created", "filter.createdAt"),', 'range_param("created", "filter.updatedAt"),',
           "search_rfis filters created on the update date"),
    Mutant(T + "data_connector_jobs.py", "job_status(j, success=True)", "job_status(j)",
           "a job's detail hides whether it succeeded"),
    Mutant(T + "reviews.py", 'if (then := candidates(s.get("candidates")))', "if (then := [])",
           "a step not yet started does not say whom it will go to"),
    Mutant(T + "listing.py", 'cut = " (all that fit the result budget)" if shown < len(rows) else ""', 'cut = ""',
           "a page cut short by the result budget does not say so"),
    Mutant(T + "analytics.py", 'with guarded_write(recent, NEW_EXTRACT, lister="load_data", then=UNCONFIRMED):',
           "if True:", "load_data(new) asks for a second extract after ACC left the first unconfirmed"),
    Mutant(T + "analytics.py", '        writes_when="new",\n', "", "load_data tells clients it is read-only"),
)  # fmt: skip
# ============================================================================================================
