"""Peak RSS of the client while `AccClient.download` streams the ~1 GiB Data Connector extract.

    python bench/memory.py

The sandbox (`World.build(large=True)`) runs in a uvicorn child process on loopback, so only the client's
memory is measured. The download itself runs in a second child (`_download_child.py`), which reports
its own peak RSS when done (VmHWM from /proc/self/status; ru_maxrss where there is no /proc — but on Linux
ru_maxrss survives exec and would report the parent's size); the same child with the
download skipped gives the baseline (interpreter + imports). Target: < 150 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, figure, free_port, header, markdown, section, table
from _sandbox import BENCH, LoopbackSandbox

from acc_mcp.sandbox import SANDBOX_TOKEN


def child(url: str, base: str, account: str, dest: str, skip: bool) -> tuple[float, dict[str, float]]:
    out = subprocess.run(
        [
            sys.executable,
            str(BENCH / "_download_child.py"),
            url,
            base,
            account,
            dest,
            "1" if skip else "0",
            SANDBOX_TOKEN,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(out.stdout)
    return info["maxrss_kib"] / 1024, info  # Linux reports ru_maxrss in KiB


def main() -> int:
    header("memory: peak RSS streaming the ~1 GiB Data Connector extract over loopback")
    with LoopbackSandbox(free_port(), large=True) as sandbox:
        auth = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
        base = f"/data-connector/v1/accounts/{sandbox.account_id}"
        with httpx2.Client(base_url=sandbox.url, headers=auth, timeout=60) as http:
            jobs = http.get(f"{base}/jobs", params={"limit": 100}).json()["results"]
            target = None
            for job in jobs:
                response = http.get(f"{base}/jobs/{job['id']}/data-listing")
                files = response.json() if response.status_code == 200 else []  # jobs still running: no data
                for f in files:
                    if f.get("name") == "issues_issues.csv" and int(f.get("size", 0)) > 500_000_000:
                        target = (job["id"], f["name"], int(f["size"]))
                        break
                if target:
                    break
            if target is None:
                raise RuntimeError("no ~1 GiB issues_issues.csv in the sandbox's jobs")
            job_id, name, size = target
            signed = http.get(f"{base}/jobs/{job_id}/data/{name}").json()["signedUrl"]
        with tempfile.TemporaryDirectory() as tmp:
            dest = str(Path(tmp) / name)
            base_mb, _ = child(signed, sandbox.url, sandbox.account_id, dest, skip=True)
            t = time.perf_counter()
            peak_mb, info = child(signed, sandbox.url, sandbox.account_id, dest, skip=False)
            elapsed = time.perf_counter() - t
    mem_rows = [
        ("file", f"{name} of job {job_id[:8]}…"),
        ("declared size", f"{size:,} bytes ({size / 2**30:.2f} GiB)"),
        ("downloaded", f"{int(info['bytes']):,} bytes"),
        ("wall time", f"{elapsed:.1f} s ({int(info['bytes']) / elapsed / 2**20:.0f} MiB/s)"),
        ("client peak RSS, no download (baseline)", f"{base_mb:.1f} MB"),
        ("client peak RSS, downloading", f"{peak_mb:.1f} MB"),
        ("added by the download", f"{peak_mb - base_mb:.1f} MB"),
    ]
    table(["what", "value"], mem_rows)
    section("Memory", markdown(["what", "value"], mem_rows))
    ok = figure(
        "Memory: peak RSS streaming the 1 GiB extract (client process)",
        ours=f"{peak_mb:.1f} MB",
        floor=f"{base_mb:.1f} MB (same child, no download)",
        ratio=peak_mb / base_mb,
        target="< 150 MB",
        ok=peak_mb < 150,
        note="ratio is informational; the target is absolute (MiB, VmHWM)",
    )
    figure(
        "Memory: analytics load",
        ours="-",
        floor="-",
        ratio=None,
        target="-",
        ok=None,
        note="not measured yet: no analytics tool is registered",
    )
    emit("memory")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
