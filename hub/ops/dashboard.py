"""Figures for the dashboard: leads per channel per day, decisions, backlog, lag, failures, health.

Days are Vietnam days (UTC+7, no daylight saving), counted by the database.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.store.schema import ChannelHealthRow, LeadRow, MergeSuggestionRow, RawEventRow

DAYS = 30
VN_OFFSET = timedelta(hours=7)


def _day(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Ho_Chi_Minh", column), "YYYY-MM-DD")
    return func.date(column, "+7 hours")


def leads_per_day(session: Session, now: datetime) -> tuple[list[date], dict[str, list[int]]]:
    """The last 30 Vietnam days and, per channel, the leads captured on each."""
    today = (now + VN_OFFSET).date()
    days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    start = datetime.combine(days[0], datetime.min.time(), timezone.utc) - VN_OFFSET
    day = _day(session, LeadRow.captured_at)
    rows = session.execute(select(LeadRow.channel, day, func.count()).where(LeadRow.captured_at >= start)
                           .group_by(LeadRow.channel, day)).all()
    index = {d.isoformat(): i for i, d in enumerate(days)}
    series: dict[str, list[int]] = defaultdict(lambda: [0] * DAYS)
    for channel, day_text, count in rows:
        if str(day_text) in index:
            series[channel][index[str(day_text)]] += count
    return days, dict(sorted(series.items()))


def decisions(session: Session, now: datetime) -> dict[str, int]:
    """Leads of the last 30 days by what dedupe did: new contact, auto-merged, sent to review."""
    action = LeadRow.decision["action"].as_string()
    rows = session.execute(select(action, func.count()).where(LeadRow.captured_at >= now - timedelta(days=DAYS))
                           .group_by(action)).all()
    counts = {str(a): n for a, n in rows}
    return {"new": counts.get("new", 0), "merge": counts.get("merge", 0), "suggest": counts.get("suggest", 0)}


def backlog(session: Session) -> int:
    return session.execute(select(func.count()).select_from(MergeSuggestionRow)
                           .where(MergeSuggestionRow.status == "open")).scalar_one()


def failed_events(session: Session, limit: int = 50) -> list[RawEventRow]:
    return list(session.execute(select(RawEventRow).where(RawEventRow.status == "failed")
                                .order_by(RawEventRow.id.desc()).limit(limit)).scalars())


def failed_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(RawEventRow)
                           .where(RawEventRow.status == "failed")).scalar_one()


def channel_health(session: Session, rejections: dict[str, dict[str, int]],
                   configured: Collection[str] = ()) -> list[dict[str, Any]]:
    """Per channel: last event received, rejected requests, token problems and events waiting for one."""
    last = dict(session.execute(select(RawEventRow.channel, func.max(RawEventRow.received_at))
                                .group_by(RawEventRow.channel)).all())
    waiting = dict(session.execute(select(RawEventRow.channel, func.count()).where(
        RawEventRow.status == "needs_token").group_by(RawEventRow.channel)).all())
    problems: dict[str, list[ChannelHealthRow]] = defaultdict(list)
    for row in session.execute(select(ChannelHealthRow).where(
            ChannelHealthRow.channel != "job", ChannelHealthRow.status != "ok")).scalars():
        problems[row.channel].append(row)
    channels = sorted(set(last) | set(waiting) | set(problems) | set(rejections) | set(configured))
    none = {"signature": 0, "all": 0}
    return [{"channel": c, "last": last.get(c), "rejected": rejections.get(c, none), "waiting": waiting.get(c, 0),
             "problems": problems.get(c, [])} for c in channels]


SIGNATURE_REASONS = frozenset({"auth", "bad_signature", "missing_signature"})


def rejected_by_channel(metrics: Any) -> dict[str, dict[str, int]]:
    """Refused webhook requests by channel, of every ingest process (hub.metrics.SharedCounts):
    signature / token failures, and all."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"signature": 0, "all": 0})
    for (kind, channel, reason), n in metrics.counts.totals().items():
        if kind == "rejected":
            totals[channel]["all"] += n
            if reason in SIGNATURE_REASONS:
                totals[channel]["signature"] += n
    return dict(totals)


def configured_channels(settings: Any) -> set[str]:
    """Channels with something configured, shown even before their first event."""
    present = {"form": bool(settings.forms), "facebook": bool(settings.facebook.pages),
               "whatsapp": bool(settings.whatsapp_app_secrets), "zalo": bool(settings.zalo.oas),
               "telegram": bool(settings.telegram.bots)}
    return {channel for channel, yes in present.items() if yes}


def chart(days: list[date], series: dict[str, list[int]], width: int = 720, height: int = 220) -> dict[str, Any]:
    """Geometry for the inline SVG line chart: one polyline per channel, axis ticks."""
    top = max([1, *(max(v) for v in series.values())])
    left, bottom, plot_w, plot_h = 40, height - 30, width - 50, height - 50
    step = plot_w / max(1, len(days) - 1)

    def y(v: int) -> float:
        return round(bottom - v / top * plot_h, 1)

    lines = [{"channel": ch, "total": sum(v), "color": PALETTE[i % len(PALETTE)],
              "points": " ".join(f"{round(left + i2 * step, 1)},{y(v2)}" for i2, v2 in enumerate(v))}
             for i, (ch, v) in enumerate(series.items())]
    ticks_x = [{"x": round(left + i * step, 1), "label": d.strftime("%d/%m")} for i, d in enumerate(days) if i % 5 == 4]
    ticks_y = [{"y": y(v), "label": v} for v in sorted({0, top // 2, top})]
    return {"width": width, "height": height, "left": left, "bottom": bottom, "right": left + plot_w,
            "top_y": bottom - plot_h, "lines": lines, "ticks_x": ticks_x, "ticks_y": ticks_y}


PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
