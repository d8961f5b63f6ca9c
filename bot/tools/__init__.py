"""Maintainers' and editors' tools behind `prayat`'s verbs: evaluation, benchmark, validation,
the batch ad checker and the content commands. Nothing on a message's path imports these."""
