"""Canned replies: reply titles and their messages, for the composer and their own page."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from backoffice.gateway import paths
from backoffice.gateway.cached import cached_read
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.concurrent import read_concurrently
from backoffice.gateway.connection import gateway_client

from .records import ReplyMessage, ReplyTitle, parse_reply_message, parse_reply_title


def reply_titles(auth: GatewayAuth) -> list[ReplyTitle]:
    body = gateway_client().call(paths.REPLY_TITLES, auth=auth)
    items = body.get("replyTitles") if isinstance(body, dict) else body
    return [parse_reply_title(item) for item in (items or [])]


def reply_messages(auth: GatewayAuth) -> list[ReplyMessage]:
    body = gateway_client().call(paths.REPLY_MESSAGES, auth=auth)
    items = body.get("replyMessages") if isinstance(body, dict) else body
    return [parse_reply_message(item) for item in (items or [])]


@dataclass(frozen=True)
class CannedReply:
    title: str
    message_id: str
    message: str


def canned_replies(auth: GatewayAuth) -> list[CannedReply]:
    """Active reply titles with their messages, for the composer's picker: kept for a while
    like the enums (every ticket page with a composer would read both lists otherwise), and
    forgotten after every canned-reply write (`forget_canned`)."""

    def load() -> list[CannedReply]:
        outcomes = read_concurrently(
            {"titles": lambda: reply_titles(auth), "messages": lambda: reply_messages(auth)}
        )
        return combine_canned(outcomes["titles"].unwrap(), outcomes["messages"].unwrap())

    return cached_read(_composer_key(auth), load)


def remembered_canned(auth: GatewayAuth) -> list[CannedReply] | None:
    """The composer's canned replies if they are kept, else None (then read them)."""
    found: list[CannedReply] | None = cache.get(_composer_key(auth))
    return found


def remember_canned(auth: GatewayAuth, replies: list[CannedReply]) -> None:
    cache.set(_composer_key(auth), replies, timeout=settings.GATEWAY_ENUM_CACHE_SECONDS)


def forget_canned(auth: GatewayAuth) -> None:
    """After a canned-reply write: the next composer reads both lists again."""
    cache.delete(_composer_key(auth))


def _composer_key(auth: GatewayAuth) -> str:
    return f"finsupport-canned:{auth.tenant_id}"


def combine_canned(titles: list[ReplyTitle], messages: list[ReplyMessage]) -> list[CannedReply]:
    """The messages of active titles, each with its title."""
    active = {t.id: t for t in titles if t.is_active}
    return [
        CannedReply(title=active[m.title_id].title, message_id=m.id, message=m.message)
        for m in messages
        if m.title_id in active
    ]


# ---- canned replies (the replies page) ------------------------------------------------------


@dataclass(frozen=True)
class CannedTitle:
    """A reply title with its messages, as the canned replies page lists them."""

    title: ReplyTitle
    messages: tuple[ReplyMessage, ...]


@dataclass(frozen=True)
class CannedCatalog:
    titles: tuple[CannedTitle, ...]
    orphans: tuple[ReplyMessage, ...]  # messages whose title the gateway did not list

    @property
    def message_count(self) -> int:
        return sum(len(t.messages) for t in self.titles) + len(self.orphans)


def canned_catalog(auth: GatewayAuth) -> CannedCatalog:
    """Every reply title (active or not) with its messages; both lists read at the same time."""
    outcomes = read_concurrently(
        {"titles": lambda: reply_titles(auth), "messages": lambda: reply_messages(auth)}
    )
    titles: list[ReplyTitle] = outcomes["titles"].unwrap()
    messages: list[ReplyMessage] = outcomes["messages"].unwrap()
    by_title: dict[str, list[ReplyMessage]] = {t.id: [] for t in titles}
    orphans = []
    for message in messages:
        if message.title_id in by_title:
            by_title[message.title_id].append(message)
        else:
            orphans.append(message)
    return CannedCatalog(
        titles=tuple(CannedTitle(t, tuple(by_title[t.id])) for t in titles),
        orphans=tuple(orphans),
    )


def reply_message(auth: GatewayAuth, message_id: str) -> ReplyMessage:
    return parse_reply_message(
        gateway_client().call(
            paths.REPLY_MESSAGE, auth=auth, path_params={"message_id": message_id}
        )
    )
