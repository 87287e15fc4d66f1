/// What a cell's number format says about the number under it.
public enum NumberFormatKind: Equatable, Sendable {
  /// A plain number (General, 0.00, #,##0 "元", text, …).
  case number
  /// A date, a date-time or a time of day.
  case date
  /// Elapsed time: `[h]:mm:ss`, `[mm]:ss`, …
  case duration

  /// Classifies a number format by its built-in ID, or by its format code when the workbook
  /// defines one (a code always wins over the built-in meaning of its ID).
  ///
  /// Built-in date IDs are 14–22, 45–47 and the East Asian 27–36 and 50–58 (in a Chinese-locale
  /// Excel or WPS, 31 is `yyyy"年"m"月"d"日"` and 57 is `yyyy"年"m"月"`); 46 is `[h]:mm:ss`.
  public static func classify(id: Int, code: String?) -> NumberFormatKind {
    if let code { return classify(code: code) }
    switch id {
    case 46: return .duration
    case 14...22, 27...36, 45...47, 50...58: return .date
    default: return .number
    }
  }

  /// Classifies a custom format code. Quoted text, `\`-escaped characters, `_x` spacers, `*x`
  /// fills and `[...]` sections (colours, conditions, locales) are not format letters; an
  /// elapsed-time bracket (`[h]`, `[mm]`, `[ss]`) makes it a duration. Only the first section
  /// (positive numbers) decides.
  public static func classify(code: String) -> NumberFormatKind {
    var elapsed = false
    var dateLetters = false
    var it = code.unicodeScalars.makeIterator()
    while let c = it.next() {
      switch c {
      case ";":
        return elapsed ? .duration : dateLetters ? .date : .number
      case "\"":
        while let q = it.next(), q != "\"" {}
      case "\\", "_", "*":
        _ = it.next()
      case "[":
        var inside = ""
        while let q = it.next(), q != "]" { inside.unicodeScalars.append(q) }
        let lower = inside.lowercased()
        if !lower.isEmpty && lower.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) {
          elapsed = true
        }
      default:
        switch c {
        case "d", "D", "m", "M", "y", "Y", "h", "H", "s", "S": dateLetters = true
        default: break
        }
      }
    }
    return elapsed ? .duration : dateLetters ? .date : .number
  }
}

/// The part of `styles.xml` the reader needs: for each cell format (`cellXfs` index, a cell's `s`),
/// what its number format makes of a number.
struct StyleTable {
  var kinds: [NumberFormatKind] = []

  @inline(__always)
  func kind(_ style: Int) -> NumberFormatKind {
    style >= 0 && style < kinds.count ? kinds[style] : .number
  }

  static func read(_ tok: XMLTokenizer) throws(XLSXError) -> StyleTable {
    var codes: [Int: String] = [:]
    var xfFormatIDs: [Int] = []
    var inCellXfs = false
    var cellXfsDepth = 0
    var fallbackDepth = 0
    var numFmtsDepth = -2
    while true {
      switch try tok.next() {
      case .start:
        // Markup-compatibility: read mc:Choice, skip the mc:Fallback copy of the same content.
        if tok.nameIs("Fallback") || fallbackDepth > 0 {
          fallbackDepth += 1
        } else if tok.nameIs("numFmts") {
          numFmtsDepth = tok.depth
        } else if tok.nameIs("numFmt") && tok.depth == numFmtsDepth + 1 {
          // Only the workbook's number formats: <dxfs> (conditional formats) reuse the element.
          if let id = try tok.attributeValue("numFmtId").flatMap({ Int($0) }),
            let code = try tok.attributeValue("formatCode")
          {
            codes[id] = code
          }
        } else if tok.nameIs("cellXfs") {
          inCellXfs = true
          cellXfsDepth = tok.depth
        } else if inCellXfs && tok.nameIs("xf") && tok.depth == cellXfsDepth + 1 {
          xfFormatIDs.append(try tok.attributeValue("numFmtId").flatMap { Int($0) } ?? 0)
        }
      case .end:
        if fallbackDepth > 0 {
          fallbackDepth -= 1
        } else if tok.nameIs("cellXfs") && tok.depth == cellXfsDepth - 1 {
          inCellXfs = false
        } else if tok.nameIs("numFmts") {
          numFmtsDepth = -2
        }
      case .text: break
      case .eof:
        return StyleTable(
          kinds: xfFormatIDs.map { NumberFormatKind.classify(id: $0, code: codes[$0]) })
      }
    }
  }
}
