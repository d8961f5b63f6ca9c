"""For outreach workers and the organisation: community sessions in a Telegram group, the picture
cards and handouts, and the report of anonymous counts."""
