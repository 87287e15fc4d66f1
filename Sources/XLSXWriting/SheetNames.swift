/// Sheet names Excel (and libxlsxwriter) accept, made from whatever names a source carries.
public enum SheetNames {
  /// Excel's longest sheet name, in UTF-16 units.
  public static let maxLength = 31

  /// `names` in order, each made valid — `[ ] : * ? / \` and control characters become `_`, as
  /// does a leading or trailing `'`; blank becomes `blank`; at most 31 UTF-16 units — and unique
  /// (case-insensitively, apart from `reserved` and Excel's own `History`) with a `~2`, `~3`…
  /// suffix. A name that is already valid and unique comes back unchanged.
  public static func valid(_ names: [String], reserved: [String] = [], blank: String = "Sheet")
    -> [String]
  {
    var used = Set((reserved + ["history"]).map { $0.lowercased() })
    return names.map { name in
      var characters = name.map { c -> Character in
        "[]:*?/\\".contains(c)
          || c.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
          ? "_" : c
      }
      if characters.first == "'" { characters[0] = "_" }
      if characters.last == "'" { characters[characters.count - 1] = "_" }
      var base = String(characters)
      if base.allSatisfy(\.isWhitespace) { base = blank }
      var n = 1
      while true {
        let suffix = n == 1 ? "" : "~\(n)"
        var candidate = truncated(base, utf16: maxLength - suffix.utf16.count)
        // Cutting may leave a trailing `'` behind.
        if candidate.last == "'" { candidate = String(candidate.dropLast()) + "_" }
        candidate += suffix
        if used.insert(candidate.lowercased()).inserted { return candidate }
        n += 1
      }
    }
  }

  static func truncated(_ s: String, utf16 limit: Int) -> String {
    var out = ""
    var count = 0
    for ch in s {
      count += ch.utf16.count
      if count > limit { break }
      out.append(ch)
    }
    return out
  }
}
