"""Custom Rasa components for Prayat's multilingual pipeline."""
