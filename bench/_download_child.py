"""Child process for memory.py: AccClient.download(signed_url, dest).

Prints {"bytes": n, "maxrss_kib": peak RSS in KiB} on stdout.
"""

import json
import resource
import sys
from pathlib import Path

import anyio

from acc_mcp.client import AccClient, StaticToken
from acc_mcp.config import Settings

url, base, account, dest, skip, token = sys.argv[1:7]  # token in argv: importing acc_mcp.sandbox costs ~MBs


def peak_kib() -> int:
    """This process's peak RSS. /proc/self/status VmHWM belongs to this exec'd image; ru_maxrss is not used
    because Linux carries it over from the pre-exec fork of the parent (it would report the parent's RSS)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def main() -> None:
    settings = Settings.load(env={}, access_token=token, account_id=account, base_url=base)
    async with AccClient(settings, StaticToken(token)) as client:
        size = 0 if skip == "1" else await client.download(url, Path(dest).parent, Path(dest).name)
    print(json.dumps({"bytes": size, "maxrss_kib": peak_kib()}))


anyio.run(main)
