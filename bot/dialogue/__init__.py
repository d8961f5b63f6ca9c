"""The dialogue behind the core: Rasa's model (trained and cached), the Rasa and action servers
this process starts and supervises, the client that talks to them, and the tracker store that
keeps no words people typed."""
