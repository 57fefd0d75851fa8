"""The DSPT evidence pack: `igbot report dspt` and the dashboard's button write the same folder.

A printable index.html and one CSV file per section, each section mapped to its DSPT evidence
items: staff and roles (1.1.5, 4.1.1), training (3.2.1), incidents (6.1.x), acknowledgement of
lessons learnt (5.1.1), leavers (4.2.4), policies (1.3.1) and the audit log's verification.
"""

from workflows.evidence.pack import write_pack

__all__ = ["write_pack"]
