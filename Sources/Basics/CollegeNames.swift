import Foundation

/// A college's name as `serve.tokens` holds it (`pipeline token add COLLEGE`) and as it names
/// folders: its receipts (`serve.receipts/<folder>/`), its inbox files (`<folder>-….xlsx`) and its
/// annotated copies in `pipeline run`'s `out/<folder>/`.
public enum CollegeNames {
  /// The folder of the submissions whose college cannot be read.
  public static let unknown = "未识别"

  /// The longest name a token can be given, in characters.
  public static let maxLength = 32

  /// Why `name` cannot be a college's name, or nil: blank, longer than ``maxLength``, blank at
  /// either end, starting with `.` or `~$` (names `pipeline run` never reads in the inbox), or
  /// holding `/`, `\`, `:` or a control or format character.
  public static func problem(_ name: String) -> String? {
    if name.isEmpty { return "the college name is empty" }
    if name.count > maxLength {
      return "the college name \(name.debugDescription) is longer than \(maxLength) characters"
    }
    if name.first?.isWhitespace == true || name.last?.isWhitespace == true {
      return "the college name \(name.debugDescription) begins or ends with a space"
    }
    if name.hasPrefix(".") || name.hasPrefix("~$") {
      return "the college name \(name.debugDescription) must not begin with . or ~$"
    }
    let forbidden = name.unicodeScalars.first { scalar in
      "/\\:".unicodeScalars.contains(scalar) || scalar.properties.generalCategory == .control
        || scalar.properties.generalCategory == .format
    }
    if let forbidden {
      return
        "the college name \(name.debugDescription) holds \(forbidden.escaped(asASCII: true)), which a name must not hold"
    }
    return nil
  }

  /// Folder names at most this long (UTF-8 bytes), so `<folder>-<time>-<hash>.xlsx` stays within
  /// a file name's 255 bytes.
  static let maxFolderBytes = 150

  /// The folder (one path component) of a college: its name, with `%`, `/`, `\`, `:`, control
  /// characters and a leading `.` or `~` percent-escaped, so two names never share a folder
  /// (`a/b`, `a_b`, `a:b` are three folders); a result longer than ``maxFolderBytes`` is cut and
  /// ends with `~` and 16 hex digits of the name's SHA-256. Nil or blank: `未识别`; a college
  /// named `未识别` has its first character escaped.
  public static func folder(_ college: String?) -> String {
    guard let college, !college.isEmpty else { return unknown }
    var out = ""
    for (i, scalar) in college.unicodeScalars.enumerated() {
      let escape =
        "%/\\:".unicodeScalars.contains(scalar) || scalar.value < 0x20 || scalar.value == 0x7F
        || (i == 0 && (scalar == "." || scalar == "~"))
        || (i == 0 && college == unknown)
      if escape {
        for byte in String(scalar).utf8 { out += String(format: "%%%02X", byte) }
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    guard out.utf8.count > maxFolderBytes else { return out }
    var cut = ""
    for ch in out {
      if cut.utf8.count + ch.utf8.count > maxFolderBytes - 17 { break }
      cut.append(ch)
    }
    return cut + "~" + SHA256.hex(Array(college.utf8)).prefix(16)
  }
}
