"""Runs the Rasa SDK's action server (`python -m bot.dialogue.action_server --actions actions ...`)
with Prayat's wordless logs (bot/private_logs.py) installed before the SDK logs anything."""

from __future__ import annotations

from bot import private_logs


def main() -> None:
    private_logs.install()
    from rasa_sdk.__main__ import main as sdk_main

    sdk_main()


if __name__ == "__main__":
    main()
