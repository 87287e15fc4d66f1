import Model

/// The store of accepted submissions (SQLite): filled by `pipeline run`, read by `pipeline assess`.
public enum StoreSchema {
  /// The schema version this build writes.
  public static let version = 1
}
