"""Prayat's Rasa action server: renders what Rasa decided to say from content/<lang>."""
