"""`hub simulate`: realistic, correctly signed webhooks with Vietnamese data, for demos and load.

The people are made up (seeded), and some of them write on several channels with the same
phone, so the hub's matching has work to do; a share of requests are redeliveries of an
earlier one (the sender retrying), which the hub must answer 200 without storing twice.
Channels: website forms, Zalo OA, Telegram and Messenger, each signed with the secrets in
the settings. Facebook Lead Ads are left out: their webhook only carries an id that the
worker fetches from the Graph API.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import click
import phonenumbers
import requests
from standardwebhooks.webhooks import Webhook

from hub.config import FormSettings, Settings

CHANNELS = ("form", "zalo", "telegram", "messenger")
FAMILY = ["Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ",
          "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = {"m": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh"], "f": ["Thị", "Ngọc", "Thu", "Kim", "Mỹ"]}
GIVEN = {"m": "Hùng Dũng Tuấn Nam Long Hải Sơn Phong Huy Khoa Thắng Đạt Phúc Bảo Hiếu".split(),
         "f": "Lan Hương Hoa Mai Linh Trang Thảo Hà Nhung Hằng Thủy Yến Vy Quỳnh Ngân".split()}
PROVINCES = ["TP.HCM", "Hà Nội", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Bình Dương", "Khánh Hòa", "Nghệ An"]
PREFIXES = ["90", "91", "93", "94", "96", "97", "98", "86", "88", "89", "70", "77", "79", "32", "35", "39"]
OLD_PREFIX = {"32": "162", "35": "165", "39": "169", "70": "120", "77": "122", "79": "121"}
ASKS = ["Tư vấn giúp em căn 2 phòng ngủ", "Cho mình xin báo giá", "Shop còn hàng không ạ",
        "Em muốn đăng ký học thử", "Gọi lại cho chị sau 5h nhé"]


@dataclass(frozen=True)
class Person:
    name: str
    phone: str  # national number without the leading 0, e.g. "912345678"
    province: str
    user_id: int  # the base of this person's ids on the chat channels


@dataclass(frozen=True)
class Request:
    channel: str
    path: str
    headers: dict[str, str]
    body: bytes
    phone: str = ""  # the person's national number, to check what the hub made of it


@dataclass
class Summary:
    sent: int = 0
    ok: int = 0
    errors: int = 0  # no answer at all (refused, timed out)
    redeliveries: int = 0  # requests sent again as they were (the hub must not store them twice)
    seconds: float = 0.0
    by_status: Counter[int] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.by_status.items()))
        channels = ", ".join(f"{name}: {n}" for name, n in sorted(self.by_channel.items()))
        return [f"sent {self.sent} ({channels}; {self.redeliveries} redeliveries) "
                f"in {self.seconds:.1f} s, {self.rate:.1f} req/s",
                f"2xx {self.ok}, other {self.sent - self.ok - self.errors}, errors {self.errors}"
                f" (answers {statuses or 'none'})"]


def person(rng: random.Random, index: int) -> Person:
    sex = rng.choice("mf")
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    phone = rng.choice(PREFIXES) + f"{rng.randrange(10**7):07d}"
    while not phonenumbers.is_valid_number(phonenumbers.parse("0" + phone, "VN")):
        phone = rng.choice(PREFIXES) + f"{rng.randrange(10**7):07d}"  # not every block is allocated
    return Person(name, phone, rng.choice(PROVINCES), 7_000_000_000 + rng.randrange(10**9) * 10 + index % 10)


def spoken_phone(rng: random.Random, phone: str) -> str:
    """How people type their number: 0912 345 678, 0912.345.678, +84912345678, old 0168..."""
    old = OLD_PREFIX.get(phone[:2])
    if old and rng.random() < 0.2:
        return f"0{old}{phone[2:]}"
    return rng.choice([f"0{phone[:3]} {phone[3:6]} {phone[6:]}", f"0{phone[:3]}.{phone[3:6]}.{phone[6:]}",
                       f"+84{phone}", f"0{phone}"])


class Builder:
    """Builds one signed request per (person, channel), with the settings' secrets."""

    def __init__(self, settings: Settings, rng: random.Random) -> None:
        self.settings, self.rng, self.serial = settings, rng, 0
        self.form = next(iter(settings.forms.values()), None)
        self.oa = next(iter(settings.zalo.oas.values()), None)
        self.bot = next(iter(settings.telegram.bots.values()), None)
        self.page = next(iter(settings.facebook.pages), "104857600000001")

    def available(self) -> list[str]:
        ready = {"form": self.form is not None, "zalo": self.oa is not None,
                 "telegram": self.bot is not None, "messenger": bool(self.settings.facebook.app_secrets)}
        return [channel for channel in CHANNELS if ready[channel]]

    def build(self, channel: str, who: Person) -> Request:
        self.serial += 1
        make: Callable[[Person], Request] = getattr(self, f"_{channel}")
        return replace(make(who), phone=who.phone)

    def _text(self, who: Person) -> str:
        return (f"{self.rng.choice(ASKS)}. Em tên {who.name}, sđt {spoken_phone(self.rng, who.phone)}, "
                f"ở {who.province}")

    def _form(self, who: Person) -> Request:
        form = self.form
        assert form is not None
        fields = {_field(form, "name", "ho_ten"): who.name,
                  _field(form, "phone", "so_dien_thoai"): spoken_phone(self.rng, who.phone),
                  _field(form, "province", "tinh"): who.province,
                  _field(form, "message", "loi_nhan"): self.rng.choice(ASKS),
                  "utm_source": self.rng.choice(["facebook", "google", "zalo", "tiktok"])}
        body = json.dumps(fields, ensure_ascii=False).encode()
        msg_id = f"sim_{int(time.time())}_{self.serial}_{self.rng.randrange(10**9)}"
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if form.token:
            headers |= {"Authorization": f"Bearer {form.token}", "Idempotency-Key": msg_id}
        else:
            assert form.secret is not None
            now = datetime.now(timezone.utc)
            signature = Webhook(form.secret).sign(msg_id, now, body.decode())
            headers |= {"webhook-id": msg_id, "webhook-timestamp": str(int(now.timestamp())),
                        "webhook-signature": signature}
        return Request("form", f"/webhooks/forms/{form.key}", headers, body)

    def _zalo(self, who: Person) -> Request:
        oa = self.oa
        assert oa is not None
        stamp = str(int(time.time() * 1000))
        payload = {"app_id": oa.app_id, "user_id_by_app": str(who.user_id + 1), "event_name": "user_send_text",
                   "timestamp": stamp, "sender": {"id": str(who.user_id)}, "recipient": {"id": oa.oa_id},
                   "message": {"msg_id": f"sim{self.serial}{self.rng.randrange(10**12):012d}",
                               "text": self._text(who)}}
        body = json.dumps(payload, ensure_ascii=False).encode()
        mac = hashlib.sha256(oa.app_id.encode() + body + stamp.encode() + oa.secret_key.encode()).hexdigest()
        return Request("zalo", "/webhooks/zalo",
                       {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}, body)

    def _telegram(self, who: Person) -> Request:
        bot = self.bot
        assert bot is not None
        family, _, given = who.name.rpartition(" ")
        sender = {"id": who.user_id, "is_bot": False, "first_name": given, "last_name": family,
                  "language_code": "vi"}
        update = {"update_id": int(time.time()) * 1000 + self.serial, "message": {
            "message_id": self.serial, "from": sender, "date": int(time.time()),
            "chat": {"id": who.user_id, "type": "private"}, "text": self._text(who)}}
        body = json.dumps(update, ensure_ascii=False).encode()
        return Request("telegram", f"/webhooks/telegram/{bot.name}",
                       {"X-Telegram-Bot-Api-Secret-Token": bot.secret_token,
                        "Content-Type": "application/json"}, body)

    def _messenger(self, who: Person) -> Request:
        millis = int(time.time() * 1000)
        event = {"sender": {"id": str(who.user_id)}, "recipient": {"id": self.page}, "timestamp": millis,
                 "message": {"mid": f"m_sim{self.serial}_{self.rng.randrange(10**12)}",
                             "text": self._text(who)}}
        delivery = {"object": "page", "entry": [{"id": self.page, "time": millis, "messaging": [event]}]}
        # As Meta writes it: non-ASCII escaped, "/" as "\/"; the signature covers these bytes.
        body = json.dumps(delivery, separators=(",", ":")).replace("/", "\\/").encode()
        secret = self.settings.facebook.app_secrets[0]
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return Request("messenger", "/webhooks/facebook",
                       {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}, body)


def _field(form: FormSettings, target: str, default: str) -> str:
    """The form's own name for a lead field (its mapping), else a common Vietnamese one."""
    return next((source for source, lead_field in form.fields.items() if lead_field == target), default)


def plan(settings: Settings, count: int, *, seed: int = 0, channels: list[str] | None = None,
         duplicate_share: float = 0.2) -> Iterator[Request]:
    """`count` requests: new people, the same people again on another channel (same phone),
    and exact redeliveries of an earlier request. Raises ValueError for a channel that is
    not configured."""
    rng = random.Random(seed)
    builder = Builder(settings, rng)
    usable = builder.available()
    wanted = channels or usable
    missing = [c for c in wanted if c not in usable]
    if missing or not wanted:
        raise ValueError(f"not configured in the settings: {', '.join(missing) or 'any channel'} "
                         f"(configured: {', '.join(usable) or 'none'})")
    people: list[Person] = []
    sent: list[Request] = []
    for index in range(count):
        roll = rng.random()
        if sent and roll < duplicate_share / 4:
            request = rng.choice(sent)  # the sender retrying a delivery
        else:
            again = people and roll < duplicate_share
            who = rng.choice(people) if again else person(rng, index)
            if not again:
                people.append(who)
            request = builder.build(rng.choice(wanted), who)
            sent.append(request)
        yield request


def run(base_url: str, requests_: Iterator[Request], concurrency: int = 4, timeout: float = 10.0) -> Summary:
    """Send every request (`concurrency` at a time) and count the answers."""
    summary = Summary()
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=max(concurrency, 10))
    session.mount("http://", adapter)
    session.mount("https://", adapter)

    def send(request: Request) -> tuple[str, int | None]:
        try:
            answer = session.post(base_url.rstrip("/") + request.path, data=request.body,
                                  headers=request.headers, timeout=timeout)
        except requests.RequestException:
            return request.channel, None
        return request.channel, answer.status_code

    seen: set[int] = set()

    def counted(request: Request) -> Request:
        summary.redeliveries += id(request) in seen
        seen.add(id(request))
        return request

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for channel, status in pool.map(send, map(counted, requests_)):
            summary.sent += 1
            summary.by_channel[channel] += 1
            if status is None:
                summary.errors += 1
            else:
                summary.by_status[status] += 1
                summary.ok += 200 <= status < 300
    summary.seconds = time.perf_counter() - started
    return summary



@click.command("simulate")
@click.option("--url", default=None, help="The hub's base URL (default: http://server.host:server.port).")
@click.option("-n", "--count", default=100, show_default=True, type=click.IntRange(min=1),
              help="How many webhooks to send.")
@click.option("--channel", "channels", multiple=True, type=click.Choice(CHANNELS),
              help="Only these channels (repeatable; default: every configured one).")
@click.option("--duplicates", default=0.2, show_default=True, type=click.FloatRange(0, 1),
              help="Share of requests from people already sent (same phone) or redelivered.")
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=None, type=int, help="Seed for the made-up people (default: random).")
def simulate_command(url: str | None, count: int, channels: tuple[str, ...], duplicates: float,
                     concurrency: int, seed: int | None) -> None:
    """Send realistic, signed webhooks with Vietnamese data to a running hub; print a summary."""
    from hub.cli import _settings

    settings = _settings(migrate=False)  # only reads the secrets of the hub it posts to
    base = url or f"http://{settings.server.host}:{settings.server.port}"
    try:
        requests_ = list(plan(settings, count, seed=random.randrange(10**9) if seed is None else seed,
                              channels=list(channels) or None, duplicate_share=duplicates))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    summary = run(base, iter(requests_), concurrency=concurrency)
    for line in summary.lines():
        click.echo(line)
    if summary.ok < summary.sent:
        raise SystemExit(1)
