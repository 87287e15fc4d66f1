/// Why a workbook could not be read: a typed error that maps to rule FILE-001 (not a readable
/// xlsx) or FILE-002 (over a safety limit), with a Chinese message for the submitter and a
/// technical detail (part, byte offset, library message) for the admin.
public struct XLSXError: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Kind: Equatable, Sendable {
    /// The file could not be read at all (missing, a folder, no permission): not the
    /// submitter's fault, so a command exits with its I/O status rather than reporting a rule.
    case io
    /// The bytes are not a zip archive at all.
    case notZip
    /// A zip archive that is truncated, inconsistent, or fails its CRC.
    case corruptZip
    /// An OLE compound file: a legacy `.xls`, or an encrypted (password-protected) `.xlsx`.
    case legacyOrEncrypted
    /// The zip's records contradict each other (a local header against its central entry, two
    /// entries under one part name, entries sharing or overlapping bytes, two end records):
    /// different programs would read different contents. Names the entry where there is one.
    case inconsistentPackage(entry: String?)
    /// An XML part in an encoding the reader does not decode (SPEC §8: UTF-8, UTF-16, GB18030,
    /// GBK, GB2312, ISO-8859-1), or with bytes that are not valid in its encoding.
    case badEncoding(part: String)
    /// A part the workbook needs is absent (workbook, its relationships, a sheet).
    case missingPart
    /// An XML part that is not well-formed.
    case malformedXML
    /// A `<!DOCTYPE`: never processed, always refused (no entity can be expanded or fetched).
    case doctype
    /// Over one of the reader's limits.
    case limitExceeded(Limit)
  }

  /// The limits of ``ReaderLimits``, by name.
  public enum Limit: String, Sendable {
    case fileBytes, entries, entryInflatedBytes, totalInflatedBytes, compressionRatio, cells,
      sharedStrings, sharedStringBytes, tokenBytes, xmlDepth, coordinates
  }

  public let kind: Kind
  /// What happened, for the admin and the logs: library messages, part names, offsets.
  public let detail: String

  public init(_ kind: Kind, _ detail: String) {
    self.kind = kind
    self.detail = detail
  }

  /// The rule this error is reported under.
  public var rule: String {
    switch kind {
    case .limitExceeded, .doctype: "FILE-002"
    default: "FILE-001"
    }
  }

  /// What is wrong and what to do, in Chinese, for the person who sent the file.
  public var message: String {
    switch kind {
    case .io:
      "无法读取该文件（文件不存在或没有读取权限）。"
    case .notZip:
      "文件不是有效的 Excel 工作簿（.xlsx）。请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（*.xlsx）再提交。"
    case .corruptZip:
      "文件已损坏或不完整（可能上传中断）。请重新保存为 .xlsx 后再提交。"
    case .legacyOrEncrypted:
      "文件是旧版 .xls 格式或设置了打开密码，无法读取。请取消密码，并“另存为”Excel 工作簿（*.xlsx）后再提交。"
    case .inconsistentPackage(let entry):
      "文件内部结构前后不一致\(entry.map { "（部件 \($0)）" } ?? "")，不同的程序会读出不同的内容，无法可靠读取。请用 Excel 或 WPS 打开后重新“另存为” .xlsx 再提交。"
    case .badEncoding(let part):
      "文件中的部件 \(part) 使用了无法识别的字符编码或含有无效字符，无法读取。请用 Excel 或 WPS 打开后重新“另存为” .xlsx 再提交。"
    case .missingPart:
      "文件缺少工作簿的必要组成部分，无法读取。请用 Excel 或 WPS 重新“另存为” .xlsx 后再提交。"
    case .malformedXML:
      "文件内部数据格式错误，无法读取。请用 Excel 或 WPS 打开并重新“另存为” .xlsx 后再提交。"
    case .doctype:
      "文件含有不允许的 XML 声明（DOCTYPE），出于安全原因拒绝读取。请用 Excel 或 WPS 重新“另存为” .xlsx 后再提交。"
    case .limitExceeded(let limit):
      "文件超出安全限制（\(limit.chineseName)），拒绝读取。请删除无关的工作表、图片和空白格式后重新保存再提交。"
    }
  }

  public var description: String { "\(rule) \(message) [\(detail)]" }
}

extension XLSXError.Limit {
  var chineseName: String {
    switch self {
    case .fileBytes: "文件大小"
    case .entries: "压缩包内文件数"
    case .entryInflatedBytes: "单个部件解压后大小"
    case .totalInflatedBytes: "解压后总大小"
    case .compressionRatio: "压缩比"
    case .cells: "单元格数"
    case .sharedStrings: "共享字符串数"
    case .sharedStringBytes: "共享字符串总长度"
    case .tokenBytes: "单个字符串或标记长度"
    case .xmlDepth: "XML 嵌套层数"
    case .coordinates: "单元格位置超出 XFD1048576"
    }
  }
}

/// The reader's safety limits. Every one is enforced on what is actually read and inflated, never
/// on sizes a file declares about itself. The defaults fit the largest honest submission with
/// room to spare; `pipeline.json` overrides them.
public struct ReaderLimits: Codable, Equatable, Sendable {
  /// The workbook file on disk (or the bytes uploaded).
  public var maxFileBytes = 100 << 20
  /// Entries in the zip's central directory.
  public var maxEntries = 10_000
  /// Bytes one part may inflate to.
  public var maxEntryInflatedBytes = 1 << 30
  /// Bytes all the parts read may inflate to together.
  public var maxTotalInflatedBytes = 2 << 30
  /// Inflated ÷ compressed bytes of one part, checked once it passes `ratioCheckAfterBytes`.
  public var maxCompressionRatio = 200
  public var ratioCheckAfterBytes = 10 << 20
  /// Non-empty cells in the whole workbook.
  public var maxCells = 20_000_000
  /// Entries of the shared-string table.
  public var maxSharedStrings = 500_000
  /// UTF-8 bytes of all shared strings together: the table is held in memory while a sheet is
  /// read, so it gets a budget of its own (the part's inflate limit alone would allow 1 GiB).
  public var maxSharedStringBytes = 256 << 20
  /// One XML token — a run of text (a cell's string) or a tag — in bytes.
  public var maxTokenBytes = 1 << 20
  /// Nesting depth of XML elements.
  public var maxXMLDepth = 64

  public init() {}
}
