"""Packages, folder settings, linked models, AutoSpecs and PDF exports, end to end through the SDK client."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp import deadline
from acc_mcp.demo import demo_server
from tests.tools.test_spec import sandbox_sleep

pytestmark = pytest.mark.anyio
H = {"project": "hospital"}


def _docs(app: Starlette) -> Any:
    hospital = next(p for p in app.state.world.projects if "Hospital" in p["name"])
    return app.state.families["documents"].project(hospital)


def _text(result: Any) -> str:
    return str(result.content[0].text)


async def test_packages_folders_models_and_specs(sandbox_app: Starlette) -> None:
    docs = _docs(sandbox_app)
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        packages = _text(await client.call_tool("list_packages", H))
        assert packages.startswith("3 packages in all.") and "#101 Structural Bid Set · files 4" in packages
        files = await client.call_tool("list_packages", {**H, "package": "#101"})
        assert _text(files).startswith("4 files in all.") and " · v" in _text(files)
        assert all(
            i["urn"].startswith("urn:adsk.wipprod:fs.file:vf.") for i in (files.structured_content or {})["items"]
        )
        folder = next(iter(docs.folders))
        settings = _text(
            await client.call_tool("get_folder_settings", {**H, "folder": folder, "naming_standard": docs.naming["id"]})
        )
        assert "Architect (role): view/download" in settings
        assert "Drawing Type (array: Details/General/Plans/Schedules)" in settings
        assert "naming standard: Default - ISO 19650: Project-Originator-Level/Location" in settings
        models = _text(await client.call_tool("get_linked_models", {**H, "model": next(iter(docs.links))}))
        assert "host: Arch.rvt" in models and "linked: Structure.rvt, MEP.rvt, Site.rvt" in models
        assert "signedUrl" not in models and "sandbox-files" not in models
        specs = _text(await client.call_tool("get_autospecs", H))
        assert "Issued For Construction · Completed · current" in specs
        register = _text(await client.call_tool("get_autospecs", {**H, "what": "register", "division": "05"}))
        assert register.startswith("Register of Issued For Construction:") and "05 12 00 STRUCTURAL STEEL" in register
        summary = _text(await client.call_tool("get_autospecs", {**H, "what": "submittals"}))
        assert "Action And Informational" in summary


async def test_a_pdf_export_from_start_to_finished_with_progress(
    sandbox_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deadline, "sleep", sandbox_sleep(sandbox_app))
    urns = [f["urn"] for f in _docs(sandbox_app).files[:3]]
    seen: list[tuple[float, str | None]] = []

    async def progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, message))

    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        done = await client.call_tool("export_pdfs", {**H, "files": urns}, progress_callback=progress)
        assert not done.is_error and (done.structured_content or {})["status"] == "successful"
        assert "link=true" in _text(done) and "sandbox-files" not in _text(done)  # the link stays out
        assert len(seen) >= 2 and [v for v, _ in seen] == sorted(v for v, _ in seen)
        assert all("processing" in (m or "") for _, m in seen)
        export = (done.structured_content or {})["id"]
        linked = await client.call_tool("export_pdfs", {**H, "export": export, "link": True})
        assert "/sandbox-files/exports/" in _text(linked) and (linked.structured_content or {})["link"]


async def test_exports_are_writes_hidden_when_read_only(sandbox_app: Starlette) -> None:
    async with Client(demo_server({"toolsets": "all", "read_only": True}, app=sandbox_app)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "export_pdfs" not in names and "list_packages" in names
    async with Client(demo_server({"toolsets": "files"}, app=sandbox_app)) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "export_pdfs")
        assert tool.annotations and tool.annotations.read_only_hint is False
        assert tool.annotations.destructive_hint is False


@pytest.mark.parametrize(
    ("tool", "args", "says"),
    [
        ("list_packages", {**H, "package": "no such package"}, "Not found (404): no package matches"),
        ("get_folder_settings", {**H, "folder": "Drawings"}, "is not a URN like urn:adsk.wipprod:fs.folder:co.X"),
        ("get_linked_models", {**H, "model": "Arch.rvt"}, "is not a URN like urn:adsk.wipprod:fs.file:vf.X?version=2"),
        ("get_autospecs", {**H, "what": "register", "version": "IFC 9"}, "Versions: Issued For Tender, Issued For"),
        ("export_pdfs", {**H, "files": []}, "give 1 to 200 file version URNs"),
        ("export_pdfs", {**H, "files": ["urn:adsk.wipprod:fs.file:vf.nope?version=1"]}, "Not found"),
    ],
)
async def test_bad_input_is_one_clear_sentence(
    sandbox_app: Starlette, tool: str, args: dict[str, Any], says: str
) -> None:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        result = await client.call_tool(tool, args)
    assert result.is_error and says in _text(result), _text(result)
