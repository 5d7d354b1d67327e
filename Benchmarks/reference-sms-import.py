#!/usr/bin/env python3
"""The yardstick for `casefile import` of a whole SMS backup: a plain Python sqlite3 script that
does the same inserts.

Usage: reference-sms-import.py BACKUP.xml STORE-DIRECTORY

STORE-DIRECTORY is a store that `casefile init` and `casefile case open` have just made, so that
the script writes into casefile's own tables, indexes and triggers. In one transaction, with
casefile's settings (WAL, synchronous=FULL, foreign keys), it does for every <sms> and <mms> what
casefile's import does:

- skips a message whose identity (a SHA-256 over its fields) the case already holds;
- finds or adds the sender in `actors`;
- inserts the `evidence` row and the `provenance` row (the element's bytes and their SHA-256);
- stores each MMS picture once as a blob file (fsynced) with its `blobs` and `attachments` rows;
- after every insert, appends a hash-chained `audit` row over the values it inserted (casefile
  reads each row back instead, so that the digest is of what SQLite stored).

It reads the file with expat through ElementTree's iterparse, which cannot read the surrogate-pair
references that real backups hold, so it is given the twin file with the pairs joined (the one
xmllint reads). It is the plain way to write such a script, not a tuned one.
"""

import base64
import datetime
import hashlib
import json
import os
import sqlite3
import sys
import xml.etree.ElementTree as ET


def stamp(milliseconds):
    moment = datetime.datetime.fromtimestamp(milliseconds / 1000, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (milliseconds % 1000)


def canonical(fields):
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def main():
    backup, store = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(os.path.join(store, "casefile.sqlite"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    now = datetime.datetime.now(datetime.timezone.utc)
    at = now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)
    db.execute("BEGIN IMMEDIATE")
    seq, prev = db.execute("SELECT seq, row_hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()

    def insert(table, values):
        nonlocal seq, prev
        names = list(values)
        cursor = db.execute(
            "INSERT INTO %s (%s) VALUES (%s)" % (table, ", ".join(names), ", ".join("?" * len(names))),
            [values[name] for name in names])
        row_id = cursor.lastrowid
        snapshot = hashlib.sha256(canonical(dict({
            name: (value.hex() if isinstance(value, bytes) else value)
            for name, value in values.items() if value is not None
        }, id=row_id)).encode()).hexdigest()
        seq += 1
        audit = canonical({"seq": seq, "at": at, "action": "insert", "entity": table, "entity_id": row_id,
                           "snapshot_sha256": snapshot, "prev_hash": prev})
        row_hash = hashlib.sha256(bytes.fromhex(prev) + audit.encode()).hexdigest()
        db.execute(
            "INSERT INTO audit (seq, at, action, entity, entity_id, snapshot_sha256, prev_hash, row_hash)"
            " VALUES (?, ?, 'insert', ?, ?, ?, ?, ?)", (seq, at, table, row_id, snapshot, prev, row_hash))
        prev = row_hash
        return row_id

    with open(backup, "rb") as source:
        archive_sha256 = hashlib.sha256()
        for block in iter(lambda: source.read(1 << 20), b""):
            archive_sha256.update(block)
    archive_sha256 = archive_sha256.hexdigest()
    case_id = db.execute("SELECT id FROM cases ORDER BY id LIMIT 1").fetchone()[0]
    import_id = insert("imports", {"case_id": case_id, "source_name": backup, "source_kind": "file",
                                   "source_sha256": archive_sha256, "started_at": at})
    actors = {}
    blob_root = os.path.join(store, "blobs")
    entry = os.path.basename(backup)
    count = 0
    for _, element in ET.iterparse(backup, events=("end",)):
        if element.tag not in ("sms", "mms"):
            continue
        attributes = element.attrib
        date = int(attributes["date"])
        address = attributes.get("address", "")
        if element.tag == "sms":
            kind, text = "sms", attributes.get("body")
            received = attributes.get("type") == "1"
            details = canonical({"sms_type": attributes.get("type", "")})
            sender = address if received else None
            recipients = None
        else:
            kind = "mms"
            texts = [part.get("text") for part in element.iter("part") if part.get("ct") == "text/plain"]
            text = "\n".join(t for t in texts if t is not None)
            received = attributes.get("msg_box") == "1"
            details = canonical({"msg_box": attributes.get("msg_box", "")})
            senders = [a.get("address") for a in element.iter("addr") if a.get("type") == "137"]
            sender = senders[0] if received and senders else None
            recipients = "\n".join(a.get("address") for a in element.iter("addr") if a.get("type") == "151") or None
        occurred = stamp(date)
        identity = "sms-backup:sha256:" + hashlib.sha256(canonical(
            {"0": "sms-backup", "1": address, "2": sender or "(owner)", "3": occurred, "4": kind, "5": text or ""}
        ).encode()).hexdigest()
        if db.execute("SELECT 1 FROM evidence WHERE case_id = ? AND identity = ?", (case_id, identity)).fetchone():
            element.clear()
            continue
        actor_id = None
        if sender is not None:
            actor_id = actors.get(sender)
            if actor_id is None:
                found = db.execute("SELECT id FROM actors WHERE platform = 'sms' AND handle_key = ?", (sender,)).fetchone()
                actor_id = found[0] if found else insert("actors", {
                    "platform": "sms", "handle": sender, "handle_key": sender,
                    "display_name": attributes.get("contact_name"), "created_at": at})
                actors[sender] = actor_id
        evidence_id = insert("evidence", {
            "case_id": case_id, "platform": "sms", "kind": kind, "actor_id": actor_id, "occurred_at": occurred,
            "occurred_at_text": str(date), "occurred_zone": "epoch-ms", "zone_source": "stated", "url": None,
            "text": text, "captured_at": at, "capture_method": "import", "identity": identity, "thread": address,
            "direction": "received" if received else "sent", "platform_message_id": None,
            "recipients": recipients, "details": details})
        fragment = ET.tostring(element)
        insert("provenance", {
            "evidence_id": evidence_id, "import_id": import_id, "format": "sms-backup",
            "archive_sha256": archive_sha256, "entry_path": entry, "fragment": fragment,
            "fragment_sha256": hashlib.sha256(fragment).hexdigest()})
        for part in element.iter("part"):
            data = part.get("data")
            if not data:
                continue
            content = base64.b64decode(data)
            digest = hashlib.sha256(content).hexdigest()
            folder = os.path.join(blob_root, digest[:2])
            path = os.path.join(folder, digest)
            if not os.path.exists(path):
                os.makedirs(folder, exist_ok=True)
                with open(path + ".partial", "wb") as blob:
                    blob.write(content)
                    blob.flush()
                    os.fsync(blob.fileno())
                os.rename(path + ".partial", path)
            if not db.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (digest,)).fetchone():
                insert("blobs", {"sha256": digest, "size": len(content), "created_at": at})
            insert("attachments", {
                "evidence_id": evidence_id, "blob_sha256": digest, "file_name": part.get("cl"),
                "media_type": part.get("ct"), "size": len(content), "created_at": at})
        count += 1
        element.clear()
    db.execute("COMMIT")
    print("stored %d messages" % count)


if __name__ == "__main__":
    main()
