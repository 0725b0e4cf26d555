"""Peak RSS of the client while `AccClient.download` streams the ~1 GiB Data Connector extract.

    python bench/memory.py

The sandbox (`World.build(large=True)`) runs in a uvicorn child process on loopback, so only the client's
memory is measured. The download itself runs in a second child (`_download_child.py`), which reports
its own peak RSS when done (VmHWM from /proc/self/status; ru_maxrss where there is no /proc — but on Linux
ru_maxrss survives exec and would report the parent's size); the same child with the
download skipped gives the baseline (interpreter + imports). Target: < 150 MB.

Then `load_data` of the same extract in a child server (bench/analytics.py's `--load-child`): its peak RSS must
stay within the server's own size before the load plus DuckDB's memory limit (the bound the engine promises).
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

from acc_mcp.analytics.engine import MEMORY_LIMIT
from acc_mcp.sandbox import SANDBOX_TOKEN

LIMIT_MIB = int(MEMORY_LIMIT.removesuffix("GB")) * 1000**3 / 2**20
"""DuckDB reads "1GB" as 10^9 bytes."""


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
        load = analytics_load(sandbox.url, sandbox.account_id)
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
    before_mib, peak_mib = load["before_kib"] / 1024, load["peak_kib"] / 1024
    bound = before_mib + LIMIT_MIB
    section(
        "Memory: analytics load",
        markdown(
            ["what", "value"],
            [
                ("load_data of the 1 GiB extract (download + DuckDB read_csv)", f"{load['seconds']:.1f} s"),
                ("server peak RSS before the load", f"{before_mib:,.0f} MiB"),
                ("server peak RSS after the load", f"{peak_mib:,.0f} MiB"),
                ("DuckDB memory_limit", MEMORY_LIMIT),
            ],
        ),
    )
    ok &= figure(
        "Memory: analytics load of the 1 GiB extract (server process)",
        ours=f"{peak_mib:,.0f} MiB",
        floor=f"{bound:,.0f} MiB (the server before the load + DuckDB's {MEMORY_LIMIT} limit)",
        ratio=peak_mib / bound,
        target="≤ 1.0×",
        ok=peak_mib <= bound,
        note=f"{load['seconds']:.1f} s",
    )
    emit("memory")
    return 0 if ok else 1


def analytics_load(url: str, account: str) -> dict[str, float]:
    """`load_data` of the same sandbox's 1 GiB extract in a child server process (bench/analytics.py's child):
    its peak RSS (VmHWM) before and after, and the time the load took."""
    with tempfile.TemporaryDirectory() as folder:
        argv = [sys.executable, str(BENCH / "analytics.py"), "--load-child", folder, url, account]
        out = subprocess.run(argv, capture_output=True, text=True, check=True)
    info: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return info


if __name__ == "__main__":
    raise SystemExit(main())
