from datetime import timedelta

from odoo import models


class XeroService(models.AbstractModel):
    """What the sync services share. A service moves one resource in one
    direction (``xero.contact.exporter``: partners to Xero contacts, ...);
    its ``_run(connection, **limits)`` reads top to bottom: select the
    work, call xero_core, apply the answer, record it in the log."""

    _name = "xero.service"
    _description = "Xero sync service"

    # Readers ask Xero for changes a little before their watermark: clocks
    # and equal timestamps must not make them miss a change (re-reading one
    # is harmless).
    _watermark_skew = timedelta(seconds=1)

    def _run(self, connection, **limits):
        raise NotImplementedError

    def _commit(self):
        """Commit a finished batch of a sync job."""
        # Each batch is final once Xero has it: commit so a crash later
        # cannot undo what Xero already applied, and a rerun resumes.
        self.env.cr.commit()  # pylint: disable=invalid-commit
