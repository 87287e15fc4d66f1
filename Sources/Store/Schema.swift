/// The store of accepted submissions (SQLite): filled by `pipeline run`, read by `pipeline assess`.
public enum StoreSchema {
  /// The schema version this build writes (`PRAGMA user_version`).
  public static let version = 4
  /// `PRAGMA application_id` of a pipeline store ("WSAR", workstation annual report): tells a
  /// store from some other program's SQLite file.
  package static let applicationID: Int64 = 0x5753_4152

  /// Version 1, as version-1 builds wrote it: a new store runs every version's step in order, so
  /// this text never changes. Values are plain columns: days `YYYY-MM-DD` text, months `YYYY-MM`
  /// text, money integer fen, yes/no 0/1, academic years `YYYY-YYYY` text plus their start year
  /// as an integer (for ordering and ranges). Every child row carries its submission's id and the
  /// sheet row it came from.
  package static let v1 = """
    CREATE TABLE submissions (
      id            INTEGER PRIMARY KEY,
      station_id    TEXT    NOT NULL,
      academic_year TEXT    NOT NULL,
      start_year    INTEGER NOT NULL,
      sha256        TEXT    NOT NULL UNIQUE,
      file          TEXT    NOT NULL,
      submitted_on  TEXT,
      received_at   TEXT    NOT NULL,
      status        TEXT    NOT NULL,
      version       INTEGER NOT NULL CHECK (version >= 1),
      -- The version that replaced this one; NULL for the current version. Deferred: the
      -- replacement's row is written after this one is pointed at it.
      superseded_by INTEGER REFERENCES submissions(id) DEFERRABLE INITIALLY DEFERRED,
      UNIQUE (station_id, academic_year, version)
    );
    -- At most one current version per station and year.
    CREATE UNIQUE INDEX submissions_current ON submissions(station_id, academic_year)
      WHERE superseded_by IS NULL;

    -- 工作站信息: one row per submission.
    CREATE TABLE station (
      submission_id      INTEGER PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
      station_id         TEXT NOT NULL,
      station_name       TEXT,
      host_unit          TEXT,
      host_type          TEXT,
      platform           TEXT,
      college            TEXT,
      recognized_on      TEXT,
      academic_year      TEXT NOT NULL,
      submitted_on       TEXT,
      host_head          TEXT,
      college_head       TEXT,
      reported_headcount INTEGER,
      total_funding      INTEGER,
      subsidy_total      INTEGER,
      contact            TEXT,
      phone              TEXT
    );

    -- 进站研究生
    CREATE TABLE students (
      id                 INTEGER PRIMARY KEY,
      submission_id      INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
      row                INTEGER NOT NULL,
      student_id         TEXT    NOT NULL,
      name               TEXT,
      level              TEXT,
      degree_category    TEXT,
      campus_supervisor  TEXT,
      host_mentor        TEXT,
      entered_on         TEXT,
      left_on            TEXT,
      monthly_standard   INTEGER,
      supervisor_project INTEGER,
      insured            INTEGER,
      safety_training    INTEGER,
      UNIQUE (submission_id, student_id)
    );
    CREATE INDEX students_student ON students(student_id);

    -- 站长及专家; roles is a JSON array of role names (json_each reads it).
    CREATE TABLE people (
      id            INTEGER PRIMARY KEY,
      submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
      row           INTEGER NOT NULL,
      name          TEXT,
      roles         TEXT NOT NULL DEFAULT '[]',
      title         TEXT,
      position      TEXT,
      employer      TEXT,
      social_roles  TEXT
    );
    CREATE INDEX people_submission ON people(submission_id);

    -- 成果, with its participating students.
    CREATE TABLE outcomes (
      id            INTEGER PRIMARY KEY,
      submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
      row           INTEGER NOT NULL,
      kind          TEXT,
      title         TEXT,
      level         TEXT,
      achieved_on   TEXT,
      benefit       TEXT
    );
    CREATE INDEX outcomes_submission ON outcomes(submission_id);
    CREATE TABLE outcome_students (
      outcome_id INTEGER NOT NULL REFERENCES outcomes(id) ON DELETE CASCADE,
      position   INTEGER NOT NULL,
      student_id TEXT    NOT NULL,
      PRIMARY KEY (outcome_id, student_id)
    ) WITHOUT ROWID;
    CREATE INDEX outcome_students_student ON outcome_students(student_id);

    -- 补助发放
    CREATE TABLE payments (
      id            INTEGER PRIMARY KEY,
      submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
      row           INTEGER NOT NULL,
      student_id    TEXT    NOT NULL,
      month         TEXT    NOT NULL,
      due           INTEGER,
      paid          INTEGER,
      paid_on       TEXT
    );
    CREATE INDEX payments_submission ON payments(submission_id, student_id);
    """

  /// Version 2: every verdict of `pipeline run` (accepted or not) for a submission that had a
  /// valid station and academic year, so `pipeline assess` can tell late years and years accepted
  /// only after a rejected submission. `rules` is a JSON object {rule ID: number of issues}.
  /// Keyed by the file's SHA-256: a file's first verdict is kept.
  package static let v2 = """
    CREATE TABLE verdicts (
      sha256        TEXT    PRIMARY KEY,
      station_id    TEXT    NOT NULL,
      academic_year TEXT    NOT NULL,
      start_year    INTEGER NOT NULL,
      file          TEXT    NOT NULL,
      submitted_on  TEXT,
      received_at   TEXT    NOT NULL,
      status        TEXT    NOT NULL,
      rules         TEXT    NOT NULL DEFAULT '{}'
    );
    CREATE INDEX verdicts_station ON verdicts(station_id, start_year);
    """

  /// Version 3, two steps in one transaction.
  ///
  /// Findings: each verdict keeps its findings (SPEC §5 `finding`, the 政策问题 of an accepted
  /// report), a JSON array of `{rule, sheet, cell, message, value}` in report order, so
  /// `pipeline assess` can weigh them and list them for a person.
  ///
  /// `outcome_students` lists its primary-key columns first, so that SQLite's own
  /// `PRAGMA integrity_check` says `ok` (SPEC §8). SQLite 3.40 misreads a `WITHOUT ROWID` table
  /// whose key columns are not the leading ones and reports "NULL value in
  /// outcome_students.position" once per row of a sound file.
  ///
  /// The table stays `WITHOUT ROWID`: it is a pure link table, read only by its key's prefix (an
  /// outcome's students) and by the student index; as a rowid table it would hold every key twice,
  /// in the table and again in the primary key's automatic index. SQLite cannot reorder columns
  /// in place, so the table is rebuilt: copied into its new shape, dropped, renamed, indexed
  /// again — all inside the migration's transaction, so a store is either version 2 or 3, never
  /// half-way. Nothing references the table, so the drop and the rename touch no other table.
  package static let v3 = """
    CREATE TABLE outcome_students_v3 (
      outcome_id INTEGER NOT NULL REFERENCES outcomes(id) ON DELETE CASCADE,
      student_id TEXT    NOT NULL,
      position   INTEGER NOT NULL,
      PRIMARY KEY (outcome_id, student_id)
    ) WITHOUT ROWID;
    INSERT INTO outcome_students_v3 (outcome_id, student_id, position)
      SELECT outcome_id, student_id, position FROM outcome_students;
    DROP TABLE outcome_students;
    ALTER TABLE outcome_students_v3 RENAME TO outcome_students;
    CREATE INDEX outcome_students_student ON outcome_students(student_id);

    ALTER TABLE verdicts ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
    """

  /// Version 4: stations over their terms (SPEC §9).
  ///
  /// The register: every import that changed it is kept (`register_imports`), with all its rows;
  /// the current register is the latest import's rows, and a station only in earlier ones is kept
  /// as 未列入名录. Decisions are never updated nor deleted: a later one supersedes; `source`
  /// says who recorded it (the office, the tool by itself, or a register row's 状态). A verdict
  /// gets the time its receipt gave it when it came through `pipeline serve` (`receipt_at`, ISO
  /// 8601 UTC; NULL for a file dropped into the inbox by hand), which must be on or before the
  /// deadline too for the year to be on time.
  package static let v4 = """
    CREATE TABLE register_imports (
      id          INTEGER PRIMARY KEY,
      file        TEXT NOT NULL,
      sha256      TEXT NOT NULL,
      imported_at TEXT NOT NULL
    );
    CREATE TABLE register_rows (
      import_id     INTEGER NOT NULL REFERENCES register_imports(id),
      station_id    TEXT    NOT NULL,
      row           INTEGER NOT NULL,
      station_name  TEXT    NOT NULL,
      host_unit     TEXT    NOT NULL,
      college       TEXT    NOT NULL,
      recognized_on TEXT    NOT NULL,
      state         TEXT,
      state_on      TEXT,
      note          TEXT,
      PRIMARY KEY (import_id, station_id)
    ) WITHOUT ROWID;
    CREATE TABLE decisions (
      id          INTEGER PRIMARY KEY,
      station_id  TEXT NOT NULL,
      decision    TEXT NOT NULL,
      decided_on  TEXT NOT NULL,
      note        TEXT,
      source      TEXT NOT NULL CHECK (source IN ('office', 'automatic', 'register')),
      recorded_at TEXT NOT NULL,
      UNIQUE (station_id, decision, decided_on, source)
    );
    ALTER TABLE verdicts ADD COLUMN receipt_at TEXT;
    -- The state each station was left in by each run, by the run's as-of day: the next run
    -- announces what changed since (a deadline that passed in between included).
    CREATE TABLE announced_states (
      station_id  TEXT NOT NULL,
      as_of       TEXT NOT NULL,
      state       TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      UNIQUE (station_id, as_of)
    );
    """
}
