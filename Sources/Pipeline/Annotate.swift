import Foundation
import Model
import Normalization
import XLSXReading
import XLSXWriting

extension Checker {
  /// Checks a workbook held in memory (an upload) and writes its annotated copy to `path` (SPEC
  /// §6), also when it has no issue (its `审核结果` then says so): the copy `pipeline run` would
  /// write for it, `审核结果` only when it is unreadable.
  public func checkAnnotating(bytes: [UInt8], name: String, to path: String) throws -> CheckEntry {
    let (entry, submission) = examine(bytes: bytes, name: name)
    var frozen: [String: Int] = [:]
    for table in submission?.tables.values ?? [:].values { frozen[table.sheet] = table.headerRow }
    try writeAnnotated(entry, bytes: bytes, frozenRows: frozen, to: path)
    return entry
  }

  /// Writes the annotated copy of a checked workbook (`bytes`, unused when it is unreadable) to
  /// `path`; `frozenRows` holds each table's header row.
  func writeAnnotated(
    _ entry: CheckEntry, bytes: [UInt8], frozenRows: [String: Int], to path: String
  ) throws {
    if entry.status == .unreadable {
      try AnnotatedWorkbook.writeUnreadable(file: entry.file, issues: entry.issues, to: path)
    } else {
      try AnnotatedWorkbook.write(
        bytes: bytes, issues: entry.issues, frozenRows: frozenRows, limits: configuration.reader,
        to: path)
    }
  }
}
