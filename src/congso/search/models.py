"""The search index: one row per indexed object, holding folded text.

The full-text structures live beside this table and depend on the database: an FTS5 virtual
table ``search_fts`` (rowid = entry id) on SQLite, a generated ``tsv`` column with a GIN index
on PostgreSQL. Both are created by migration 0002 only on their own database.
"""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    doc_type = models.CharField(max_length=30)
    doc_id = models.BigIntegerField()
    unit_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=30, blank=True)
    sender = models.CharField(max_length=300, blank=True)  # folded
    date = models.DateField(null=True)
    body = models.TextField()  # folded: abstract, symbol, sender, attachment text

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "doc_id"], name="search_entry_unique")
        ]
        indexes = [models.Index(fields=["doc_type", "unit_id", "date"])]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.doc_id}"
