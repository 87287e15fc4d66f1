import Model

extension Workbook {
  /// The column widths a worksheet sets (`<cols>`), as 1-based inclusive column ranges with the
  /// width as stored in the file (characters of the default font, padding included).
  ///
  /// Only the part before `<sheetData>` is read (`<cols>` must come before it), so the cost does
  /// not grow with the sheet's data. Hidden columns and columns of zero width are left out: a
  /// copy that shows them keeps what they hold in sight. Ranges that are malformed or outside
  /// A…XFD are skipped rather than refused; widths are only a layout hint. Sheets that are not
  /// worksheets have no columns.
  public func columnWidths(inSheet index: Int) throws(XLSXError) -> [(
    first: Int, last: Int, width: Double
  )] {
    let sheet = sheets[index]
    guard sheet.kind == .worksheet else { return [] }
    guard let stream = try archive.open(sheet.part) else {
      throw XLSXError(.missingPart, "sheet \"\(sheet.name)\": part \(sheet.part) is missing")
    }
    let tok = XMLTokenizer(part: sheet.part, source: stream, limits: limits)
    var widths: [(first: Int, last: Int, width: Double)] = []
    while true {
      switch try tok.next() {
      case .start where tok.depth == 2 && tok.nameIs("sheetData"):
        return widths
      case .start where tok.depth == 3 && tok.nameIs("col"):
        // Depth pins worksheet/cols/col; extension lists may reuse the local name.
        guard let first = try tok.attributeValue("min").flatMap({ Int($0) }),
          let last = try tok.attributeValue("max").flatMap({ Int($0) }),
          1 <= first, first <= last, last <= CellReference.maxColumn,
          let width = try tok.attributeValue("width").flatMap({ Double($0) }),
          width.isFinite, width > 0, width <= 255
        else { continue }
        let hidden = try tok.attributeValue("hidden").map { $0 == "1" || $0.lowercased() == "true" }
        if hidden == true { continue }
        widths.append((first, last, width))
      case .eof:
        return widths
      default:
        continue
      }
    }
  }
}
