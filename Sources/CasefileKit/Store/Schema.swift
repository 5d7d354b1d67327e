import Foundation
import GRDB

/// The store's tables, created by forward-only migrations.
///
/// Every table below is audited: each insert or change writes one hash-chained row to `audit`
/// holding the SHA-256 of the row's canonical text. The append-only tables also refuse UPDATE and
/// DELETE through triggers; those stop accidents, and the chain catches the rest.
enum Schema {
  /// Tables whose rows never change once written.
  static let appendOnlyTables = [
    "blobs", "evidence", "attachments", "steps", "notes", "patient_flags", "imports", "provenance",
    "import_warnings", "missing_media",
  ]
  /// Tables whose rows may change; each change is audited with the row's new state.
  static let mutableTables = ["profile", "settings", "cases", "actors", "trusted_keys"]
  /// Every audited table, in the order fsck checks them.
  static let auditedTables = mutableTables + appendOnlyTables

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.execute(
        sql: """
          CREATE TABLE profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT,
            registration_number TEXT,
            indemnifier TEXT,
            membership_number TEXT,
            indemnifier_contact TEXT,
            updated_at TEXT NOT NULL
          );
          CREATE TABLE settings (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
          );
          CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            ref TEXT NOT NULL UNIQUE,
            year INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            title TEXT NOT NULL,
            category TEXT NOT NULL,
            severity TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            UNIQUE (year, seq)
          );
          CREATE TABLE actors (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            handle TEXT NOT NULL,
            handle_key TEXT NOT NULL,
            display_name TEXT,
            profile_url TEXT,
            platform_user_id TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (platform, handle_key)
          );
          CREATE TABLE blobs (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
            size INTEGER NOT NULL CHECK (size >= 0),
            created_at TEXT NOT NULL
          );
          CREATE TABLE evidence (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            platform TEXT NOT NULL,
            kind TEXT NOT NULL,
            actor_id INTEGER REFERENCES actors(id),
            occurred_at TEXT NOT NULL,
            occurred_at_text TEXT NOT NULL,
            occurred_zone TEXT NOT NULL,
            zone_source TEXT NOT NULL CHECK (zone_source IN ('stated', 'assumed')),
            url TEXT,
            text TEXT,
            captured_at TEXT NOT NULL,
            capture_method TEXT NOT NULL CHECK (capture_method IN ('manual', 'import'))
          );
          CREATE INDEX evidence_case ON evidence(case_id, occurred_at);
          CREATE INDEX evidence_actor ON evidence(actor_id);
          CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            evidence_id INTEGER NOT NULL REFERENCES evidence(id),
            blob_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            file_name TEXT NOT NULL,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            created_at TEXT NOT NULL
          );
          CREATE INDEX attachments_evidence ON attachments(evidence_id);
          CREATE TABLE steps (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            kind TEXT NOT NULL CHECK (kind IN
              ('ignore', 'block', 'report', 'indemnifier', 'police', 'outcome', 'retraction')),
            on_date TEXT NOT NULL,
            details TEXT NOT NULL,
            refers_to INTEGER REFERENCES steps(id),
            confidential INTEGER NOT NULL CHECK (confidential IN (0, 1)),
            recorded_at TEXT NOT NULL
          );
          CREATE INDEX steps_case ON steps(case_id);
          CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            text TEXT NOT NULL,
            confidential INTEGER NOT NULL DEFAULT 1 CHECK (confidential = 1),
            created_at TEXT NOT NULL
          );
          CREATE INDEX notes_case ON notes(case_id);
          CREATE TABLE patient_flags (
            id INTEGER PRIMARY KEY,
            actor_id INTEGER NOT NULL REFERENCES actors(id),
            flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
            confidential INTEGER NOT NULL DEFAULT 1 CHECK (confidential = 1),
            created_at TEXT NOT NULL
          );
          CREATE INDEX patient_flags_actor ON patient_flags(actor_id);
          CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('insert', 'update')),
            entity TEXT NOT NULL,
            entity_id INTEGER NOT NULL,
            snapshot_sha256 TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            row_hash TEXT NOT NULL
          );
          CREATE INDEX audit_entity ON audit(entity, entity_id, seq);
          """)
      // The tables as they stood in v1: a migration never reads a list that later versions extend.
      for table in ["blobs", "evidence", "attachments", "steps", "notes", "patient_flags", "audit"] {
        try db.execute(
          sql: """
            CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) rows are append-only'); END;
            CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) rows are append-only'); END;
            """)
      }
      // Cases, actors and the profile are edited, but never removed.
      for table in ["profile", "settings", "cases", "actors"] {
        try db.execute(
          sql: """
            CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) rows are never deleted'); END;
            """)
      }
    }
    migrator.registerMigration("v2-imports") { db in
      // Imported items: their identity (for re-imports), their thread and direction, and the
      // facts a format gives beyond the text (a call's type and duration, say).
      for column in ["identity", "thread", "direction", "platform_message_id", "recipients", "details"] {
        try db.execute(sql: "ALTER TABLE evidence ADD COLUMN \(column) TEXT")
      }
      try db.execute(
        sql: """
          CREATE UNIQUE INDEX evidence_identity ON evidence(case_id, identity) WHERE identity IS NOT NULL;
          CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            source_name TEXT NOT NULL,
            source_kind TEXT NOT NULL,
            source_sha256 TEXT,
            started_at TEXT NOT NULL
          );
          CREATE TABLE provenance (
            id INTEGER PRIMARY KEY,
            evidence_id INTEGER NOT NULL UNIQUE REFERENCES evidence(id),
            import_id INTEGER NOT NULL REFERENCES imports(id),
            format TEXT NOT NULL,
            archive_sha256 TEXT,
            entry_path TEXT NOT NULL,
            fragment BLOB NOT NULL,
            fragment_sha256 TEXT NOT NULL CHECK (length(fragment_sha256) = 64)
          );
          CREATE TABLE import_warnings (
            id INTEGER PRIMARY KEY,
            import_id INTEGER NOT NULL REFERENCES imports(id),
            entry_path TEXT,
            message TEXT NOT NULL
          );
          CREATE TABLE missing_media (
            id INTEGER PRIMARY KEY,
            evidence_id INTEGER NOT NULL REFERENCES evidence(id),
            reference TEXT NOT NULL
          );
          """)
      for table in ["imports", "provenance", "import_warnings", "missing_media"] {
        try db.execute(
          sql: """
            CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) rows are append-only'); END;
            CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) rows are append-only'); END;
            """)
      }
    }
    migrator.registerMigration("v3-kept-pages") { db in
      // A page that libxml2 could only read lossily is kept whole in the blob store, named by
      // the warning that says so (threats.md: "the raw file is kept").
      try db.execute(sql: "ALTER TABLE import_warnings ADD COLUMN raw_sha256 TEXT REFERENCES blobs(sha256)")
    }
    migrator.registerMigration("v4-profile-contact") { db in
      // How the police can reach the doctor: written into police and indemnifier bundles.
      try db.execute(sql: "ALTER TABLE profile ADD COLUMN contact TEXT")
    }
    migrator.registerMigration("v5-trusted-keys") { db in
      // Signers the doctor has checked by another channel, so that `verify` and `receive` know
      // them without --fingerprint. Untrusting keeps the row (trusted = 0): nothing is deleted.
      try db.execute(
        sql: """
          CREATE TABLE trusted_keys (
            id INTEGER PRIMARY KEY,
            fingerprint TEXT NOT NULL UNIQUE CHECK (length(fingerprint) = 64),
            name TEXT NOT NULL,
            trusted INTEGER NOT NULL CHECK (trusted IN (0, 1)),
            updated_at TEXT NOT NULL
          );
          CREATE TRIGGER trusted_keys_no_delete BEFORE DELETE ON trusted_keys
          BEGIN SELECT RAISE(ABORT, 'trusted_keys rows are never deleted'); END;
          """)
    }
    migrator.registerMigration("v6-profile-accounts") { db in
      // The doctor's own accounts, as a JSON array of {platform, name}: imports mark their
      // messages as sent, and exports keep them out of platform and police packages.
      try db.execute(sql: "ALTER TABLE profile ADD COLUMN accounts TEXT")
    }
    migrator.registerMigration("v7-lint-id-key") { db in
      // A random secret of this store that keys the lint's finding ids, so that an id in a
      // package cannot be matched against guessed references. It never leaves the store.
      try db.execute(sql: "CREATE TABLE store_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL)")
      var generator = SystemRandomNumberGenerator()
      let key = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
      try db.execute(sql: "INSERT INTO store_secrets (name, value) VALUES ('lint-id', ?)", arguments: [key])
    }
    return migrator
  }
}
