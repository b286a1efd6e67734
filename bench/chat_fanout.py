"""Chat fan-out benchmark: Backstage (daphne and uvicorn) against two baselines, in one run.

    .venv/bin/python bench/chat_fanout.py [--clients 500] [--rate 10] [--duration 10]
        [--servers daphne,uvicorn] [--layer pubsub|core] [--idle 2000] [--skip-baselines]
        [--senders 40] [--persist-only]

Starts everything itself: a private redis-server (no persistence) on a free port, a scratch
database (a temporary SQLite file, or PostgreSQL when DATABASE_URL points at a server: a
database `<name>_bench_chat` is created there and dropped afterwards) and the servers. For
each server (daphne, uvicorn) serving Backstage with the chosen channel layer it measures:

1. fan-out: N clients joined to one chat topic (`lobby:`, a bench-only kind with room chat's
   shape: many members, the chat handler and services), one member sending `message.send` at
   `--rate`; delivered/expected and p50/p99 send-to-receipt latency; one process, then two
   (clients spread over both, the sender on the first);
2. the fan-out ceiling on one process: a short ramp (x`--factor` per step of `--step`
   seconds) until p99 passes 50 ms or a delivery is missing; the last good step, in
   deliveries/s;
3. persisted chat, on fresh servers (one process, then two): `--senders` students, each in a
   direct conversation of their own, sending back to back (inbox announcements included);
   messages/s acknowledged (so committed) and the acknowledgement p50/p99;
4. RSS per idle connection, on a fresh server: its RSS before and after `--idle` idle
   sockets.

The baselines do the same fan-out (1, 2 on one process): a bare `websockets` broadcast server
(the near-limit for Python) and the Channels tutorial's chat consumer (`group_send` per
message on RedisChannelLayer, under daphne). The clients run in a separate process
(bench/fanout_load.py) with a minimal WebSocket client, so the load costs the machine as
little as it can; on a 2-CPU machine they still share the CPUs with the server.
"""

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.chat_servers import (
    ROOT,
    Stack,
    make_users_and_topic,
    rss_kb,
    tickets_for,
)

P99_TARGET_MS = 50.0


def load(job: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Run one job of bench/fanout_load.py; print and return its result lines."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "fanout_load.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps({**job, "p99_target_ms": P99_TARGET_MS}))
    process.stdin.close()
    results = []
    for line in process.stdout:
        result = json.loads(line)
        if "connected" in result:
            continue
        results.append(result)
        print(f"    {describe(name, result)}", flush=True)
    if process.wait() != 0:
        raise RuntimeError(f"the load process of {name} failed")
    return results


def describe(name: str, result: dict[str, Any]) -> str:
    if "per_s" in result:
        return (
            f"{name:<26} persisted {result['per_s']:7.0f} msg/s  ack p50 {result['ack_p50']:6.1f}"
            f" ms  p99 {result['ack_p99']:6.1f} ms  failures {result['failures']}"
        )
    share = 100 * result["delivered"] / max(1, result["expected"])
    return (
        f"{name:<26} {result['label']:<6} {result['rate']:6.0f} msg/s x {result['clients']}  "
        f"delivered {result['delivered']}/{result['expected']} ({share:.2f}%)  "
        f"p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms"
    )


def ceiling(results: list[dict[str, Any]]) -> float:
    """Deliveries/s of the fastest ramp step (or steady run) that held the target."""
    good = [r["rate"] * r["clients"] for r in results if r["ok"]]
    return max(good, default=0.0)


def fanout_job(urls: list[str], topic: str | None, kind: str, args: argparse.Namespace) -> Any:
    return {
        "mode": "fanout",
        "kind": kind,
        "topic": topic,
        "sender": urls[0],
        "receivers": urls[1:],
        "steady": [[args.rate, args.duration]],
    }


def with_ramp(job: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    ramp = {"start": args.rate * 2, "factor": args.factor, "step": args.step, "limit": 1000}
    return {**job, "ramp": ramp}


def ours(stack: Stack, server: str, args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    if args.persist_only:
        return persisted(stack, server, args)
    for processes in (1, 2):
        ports = [port for port, _ in stack.start_servers(server, processes)]
        users, topic = make_users_and_topic(args.clients + 1, f"{server}{processes}-")
        urls = [
            f"ws://127.0.0.1:{ports[n % processes]}/ws/?ticket={ticket}"
            for n, ticket in enumerate(tickets_for(users))
        ]
        job = fanout_job(urls, topic, "gateway", args)
        results = load(with_ramp(job, args) if processes == 1 else job, f"{server} x{processes}")
        figures[f"steady{processes}"] = results[0]
        if processes == 1:
            figures["ceiling"] = ceiling(results)
        stack.stop_servers()
    # Each on a server of its own: the ramp ends past the ceiling, and the backlog it leaves
    # (and the memory it held) would be measured too.
    figures.update(persisted(stack, server, args))
    if args.idle:
        [(port, _process)] = stack.start_servers(server, 1)
        figures["idle_kb"] = idle_rss(stack, server, port, args.idle)
        stack.stop_servers()
    return figures


def persisted(stack: Stack, server: str, args: argparse.Namespace) -> dict[str, Any]:
    """Persisted chat on one fresh process, then on two."""
    figures = {}
    for processes in (1, 2):
        ports = [port for port, _ in stack.start_servers(server, processes)]
        figures[f"persist{processes}"] = persist(ports, f"{server} x{processes}", args)
        stack.stop_servers()
    return figures


def persist(ports: list[int], name: str, args: argparse.Namespace) -> dict[str, Any]:
    """`--senders` students, each in a direct conversation of their own, back to back, spread
    over the servers' ports."""
    prefix = name.replace(" ", "")
    pairs = [make_users_and_topic(2, f"{prefix}-p{n}-", kind="dm") for n in range(args.senders)]
    tickets = tickets_for([users[0] for users, _topic in pairs])
    senders = [
        [f"ws://127.0.0.1:{ports[n % len(ports)]}/ws/?ticket={ticket}", topic]
        for n, (ticket, (_users, topic)) in enumerate(zip(tickets, pairs, strict=True))
    ]
    job = {"mode": "persist", "senders": senders, "duration": args.duration}
    return load(job, name)[0]


def idle_rss(stack: Stack, server: str, port: int, count: int) -> float:
    from bench.wsclient import connect_many

    users, _topic = make_users_and_topic(count, f"{server}-idle")
    urls = [f"ws://127.0.0.1:{port}/ws/?ticket={ticket}" for ticket in tickets_for(users)]
    process = next(p for p in stack.servers if p.poll() is None)

    async def hold() -> float:
        await asyncio.sleep(1)
        before = rss_kb(process.pid)
        clients = await connect_many(urls)
        await asyncio.sleep(3)
        after = rss_kb(process.pid)
        for client in clients:
            client.close()
        print(
            f"    {server + ' x1':<26} RSS {before / 1024:.0f} → {after / 1024:.0f} MB with "
            f"{len(clients)} idle sockets: {(after - before) / len(clients):.1f} KB each",
            flush=True,
        )
        return (after - before) / len(clients)

    return asyncio.run(hold())


def baseline(stack: Stack, kind: str, args: argparse.Namespace) -> dict[str, Any]:
    if kind == "bare":
        (port, _process), *_ = stack.start_servers("bare", 1)
        urls = [f"ws://127.0.0.1:{port}/"] * (args.clients + 1)
    else:
        (port, _process), *_ = stack.start_servers("daphne", 1, app="textbook_chat:application")
        urls = [f"ws://127.0.0.1:{port}/"] * (args.clients + 1)
    name = "bare websockets" if kind == "bare" else "textbook Channels"
    results = load(with_ramp(fanout_job(urls, None, kind, args), args), name)
    stack.stop_servers()
    return {"steady1": results[0], "ceiling": ceiling(results)}


def summary(args: argparse.Namespace, stack: Stack, runs: dict[str, dict[str, Any]]) -> None:
    bare = runs.get("bare websockets", {}).get("ceiling", 0.0)
    textbook = runs.get("textbook Channels", {}).get("ceiling", 0.0)
    print(
        f"\n== summary: {args.clients} clients, {args.rate:.0f} msg/s, {stack.database}, "
        f"Backstage on {args.layer} layer =="
    )
    for name, figures in runs.items():
        for processes in (1, 2):
            if f"steady{processes}" in figures:
                print(describe(f"{name} x{processes}", figures[f"steady{processes}"]))
    with_ceiling = {name: figures for name, figures in runs.items() if "ceiling" in figures}
    if with_ceiling:
        print(f"\nfan-out ceiling on one process (p99 ≤ {P99_TARGET_MS:.0f} ms, nothing lost):")
    for name, figures in with_ceiling.items():
        line = f"  {name:<20} {figures['ceiling']:8.0f} deliveries/s"
        if bare:
            line += f"   {figures['ceiling'] / bare:5.2f}x bare"
        if textbook:
            line += f"   {figures['ceiling'] / textbook:5.2f}x textbook"
        print(line)
    for name, figures in runs.items():
        for processes in (1, 2):
            if f"persist{processes}" in figures:
                print(describe(f"{name} x{processes}", figures[f"persist{processes}"]))
        if figures.get("idle_kb") is not None:
            print(f"{name:<26} RSS per idle connection: {figures['idle_kb']:.1f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of steady sending")
    parser.add_argument("--step", type=float, default=3.0, help="seconds per ramp step")
    parser.add_argument("--factor", type=float, default=1.25, help="rate factor per ramp step")
    parser.add_argument("--senders", type=int, default=40, help="senders of the persisted run")
    parser.add_argument("--servers", default="daphne,uvicorn")
    parser.add_argument("--layer", choices=["pubsub", "core"], default="pubsub")
    parser.add_argument("--idle", type=int, default=2000, help="idle sockets for RSS (0: skip)")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument(
        "--persist-only", action="store_true", help="only persisted chat (no fan-out, no baselines)"
    )
    args = parser.parse_args()

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(f"load average at start: {Path('/proc/loadavg').read_text().strip()}", flush=True)
    began = time.monotonic()
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp_name:
        stack = Stack(Path(tmp_name), args.layer)
        try:
            stack.start()
            for server in args.servers.split(","):
                print(f"Backstage under {server} ({args.layer} layer, {stack.database})")
                runs[f"backstage/{server}"] = ours(stack, server, args)
            if not (args.skip_baselines or args.persist_only):
                for kind in ("bare", "textbook"):
                    print(f"baseline: {kind}")
                    result = baseline(stack, kind, args)
                    runs["bare websockets" if kind == "bare" else "textbook Channels"] = result
        except Exception:
            print(stack.logs_tail(), file=sys.stderr)
            raise
        finally:
            stack.stop()
    summary(args, stack, runs)
    print(
        f"\nload average at end: {Path('/proc/loadavg').read_text().strip()}; "
        f"{time.monotonic() - began:.0f} s"
    )


if __name__ == "__main__":
    main()
