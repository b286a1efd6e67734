"""The client side of bench/chat_fanout.py, run as its own process.

    python bench/fanout_load.py < job.json   # one JSON result per line on stdout

Jobs: `fanout` (N receivers, one sender at a steady rate for each step; delivered/expected
and send-to-receipt latency) and `persist` (senders back to back on their own topics; acked
messages per second and the acknowledgement latency). Latency stamps are
`time.perf_counter()` (CLOCK_MONOTONIC), which every process of the machine shares.
"""

import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.wsclient import Client, connect_many

MARK = b'"~'


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def frame_for(kind: str, topic: str | None, body: str, n: int) -> str:
    if kind == "gateway":
        data = {"body": body, "client_id": f"c{n}-{body}"}
        return json.dumps(
            {"type": "message.send", "topic": topic, "ref": f"m{n}", "data": data},
            separators=(",", ":"),
        )
    if kind == "textbook":
        return json.dumps({"message": body})
    return json.dumps({"body": body})


class Step:
    def __init__(self, tag: str, expected: int) -> None:
        self.tag = tag.encode()
        self.expected = expected
        self.sent = 0
        self.delivered = 0
        self.latencies: list[float] = []
        self.done = asyncio.Event()


async def fanout(job: dict[str, Any]) -> None:
    current: list[Step] = []

    def on_text(payload: bytes) -> None:
        at = payload.find(MARK)
        if at < 0 or not current:
            return
        step = current[0]
        end = payload.find(b'"', at + 2)
        tag, _, stamp = payload[at + 2 : end].partition(b":")
        if tag != step.tag:
            return  # a late delivery of an earlier step
        step.latencies.append((time.perf_counter() - float(stamp)) * 1000)
        step.delivered += 1
        if step.delivered == step.expected:
            step.done.set()

    receivers = await connect_many(job["receivers"], on_text)
    (sender,) = await connect_many([job["sender"]])
    topic = job.get("topic")
    if job["kind"] == "gateway":
        for n, client in enumerate([*receivers, sender]):
            join = {"type": "join", "topic": topic, "ref": f"j{n}"}
            reply = await client.request(json.dumps(join), b'"ref":"j%d"' % n)
            assert b'"ok":true' in reply, reply
    print(json.dumps({"connected": len(receivers)}), flush=True)
    counter = 0

    async def run_step(rate: float, duration: float, label: str) -> dict[str, Any]:
        nonlocal counter
        total = max(1, round(rate * duration))
        step = Step(f"s{counter}", total * len(receivers))
        current[:] = [step]
        start = time.perf_counter()
        for _ in range(total):
            delay = start + step.sent / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            counter += 1
            body = f"~{step.tag.decode()}:{time.perf_counter():.9f}"
            sender.send_text(frame_for(job["kind"], topic, body, counter))
            step.sent += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(step.done.wait(), timeout=5)
        p99 = pct(step.latencies, 0.99)
        result = {
            "label": label,
            "rate": rate,
            "clients": len(receivers),
            "expected": step.expected,
            "delivered": step.delivered,
            "p50": pct(step.latencies, 0.5),
            "p99": p99,
            "ok": step.delivered == step.expected and p99 <= job["p99_target_ms"],
        }
        print(json.dumps(result), flush=True)
        await asyncio.sleep(1)  # let queues drain before the next step
        return result

    for rate, duration in job["steady"]:
        await run_step(rate, duration, "steady")
    ramp = job.get("ramp")
    if ramp:
        rate = ramp["start"]
        while rate <= ramp["limit"]:
            if not (await run_step(rate, ramp["step"], "ramp"))["ok"]:
                break
            rate *= ramp["factor"]
    for client in [*receivers, sender]:
        client.close()


async def persist(job: dict[str, Any]) -> None:
    clients = await connect_many([url for url, _topic in job["senders"]])
    for n, (client, (_url, topic)) in enumerate(zip(clients, job["senders"], strict=True)):
        join = {"type": "join", "topic": topic, "ref": f"j{n}"}
        await client.request(json.dumps(join), b'"ref":"j%d"' % n)
    acks: list[float] = []
    failures = 0

    async def sender(client: Client, topic: str, deadline: float, who: int) -> int:
        nonlocal failures
        sent = 0
        while time.perf_counter() < deadline:
            sent += 1
            frame = {
                "type": "message.send",
                "topic": topic,
                "ref": f"p{sent}",
                "data": {"body": "x", "client_id": f"p{who}-{sent}"},
            }
            began = time.perf_counter()
            reply = await client.request(json.dumps(frame), b'"ref":"p%d"' % sent)
            acks.append((time.perf_counter() - began) * 1000)
            if b'"ok":true' not in reply:
                failures += 1
        return sent

    began = time.perf_counter()
    deadline = began + job["duration"]
    counts = await asyncio.gather(
        *(
            sender(client, topic, deadline, n)
            for n, (client, (_url, topic)) in enumerate(zip(clients, job["senders"], strict=True))
        )
    )
    elapsed = time.perf_counter() - began
    print(
        json.dumps(
            {
                "messages": sum(counts),
                "per_s": sum(counts) / elapsed,
                "ack_p50": pct(acks, 0.5),
                "ack_p99": pct(acks, 0.99),
                "failures": failures,
            }
        ),
        flush=True,
    )
    for client in clients:
        client.close()


def main() -> None:
    job = json.loads(sys.stdin.read())
    asyncio.run(fanout(job) if job["mode"] == "fanout" else persist(job))


if __name__ == "__main__":
    main()
