"""Curated guidance from content/: loading, checking, live reloading and rendering."""

from bot import PROJECT_ROOT
from bot.content.library import Library, Problem, load_library
from bot.content.render import Reply, emergency_reply, for_place, render, voice
from bot.content.store import ContentError, ContentStore

CONTENT_ROOT = PROJECT_ROOT / "content"

__all__ = [
    "CONTENT_ROOT", "PROJECT_ROOT", "ContentError", "ContentStore", "Library", "Problem", "Reply",
    "emergency_reply", "for_place", "load_library", "render", "voice",
]
