import Foundation
import Model
import Normalization
import Validation
import XLSXReading
import XLSXWriting

extension Checker {
  /// Checks a workbook held in memory (an upload) and writes its annotated copy to `path` (SPEC
  /// §6), also when it has no issue (its `审核结果` then says so): the copy `pipeline run` would
  /// write for it, `审核结果` only when it is unreadable — or when its copy could not be written
  /// (the entry then says so, see ``writeAnnotated(_:bytes:frozenRows:to:)``).
  public func checkAnnotating(bytes: [UInt8], name: String, to path: String) throws -> CheckEntry {
    var (entry, submission) = examine(bytes: bytes, name: name)
    if crossYear != nil, let submission {
      // A batch of one: Y-005 against the store (the batch rules find nothing else in it).
      let member = BatchMember(
        file: name, modified: Date(), submission: submission, policy: configuration.policy,
        template: configuration.template)
      entry = applyingBatchRules(to: [entry], members: [member])[0]
    }
    var frozen: [String: Int] = [:]
    for table in submission?.tables.values ?? [:].values { frozen[table.sheet] = table.headerRow }
    return try writeAnnotated(entry, bytes: bytes, frozenRows: frozen, to: path)
  }

  /// Writes the annotated copy of a checked workbook (`bytes`, unused when it is unreadable) to
  /// `path`; `frozenRows` holds each table's header row. Returns the entry as it stands: when the
  /// copy of the sheets cannot be written (whatever the file holds), the entry gets a FILE-001
  /// saying so, becomes `unreadable`, and its copy is `审核结果` alone — one hostile file never
  /// stops a batch nor makes a check fail. Throws only when not even that copy can be written
  /// (the disk).
  func writeAnnotated(
    _ entry: CheckEntry, bytes: [UInt8], frozenRows: [String: Int], to path: String
  ) throws -> CheckEntry {
    if entry.status == .unreadable {
      try AnnotatedWorkbook.writeUnreadable(file: entry.file, issues: entry.issues, to: path)
      return entry
    }
    do {
      try AnnotatedWorkbook.write(
        bytes: bytes, issues: entry.issues, frozenRows: frozenRows, limits: configuration.reader,
        to: path)
      return entry
    } catch {
      let failure = Issue(
        "FILE-001", sheet: nil, cell: nil,
        message:
          "无法为本文件生成批注版工作簿（\(error)），未能完成审核。请用 Excel 或 WPS 打开原文件，把工作表改为普通名称（不超过 31 个字，不含 [ ] / \\ : * ? 等符号），另存为“Excel 工作簿(*.xlsx)”后重新报送。"
      )
      var unreadable = self.entry(
        entry.file, sha256: entry.sha256, issues: [failure] + entry.issues, sheets: entry.sheetOrder
      )
      unreadable.stationID = entry.stationID
      unreadable.academicYear = entry.academicYear
      unreadable.college = entry.college
      try AnnotatedWorkbook.writeUnreadable(
        file: unreadable.file, issues: unreadable.issues, to: path)
      return unreadable
    }
  }
}
