"""How people reach Prayat: the Telegram front end, and the terminal and JSON-lines chats. Each
turns what a person did into an `Incoming` and shows the `Answer`; none keeps dialogue state."""
