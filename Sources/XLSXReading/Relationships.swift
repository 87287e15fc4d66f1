/// One OPC relationship, its target resolved to a part name in the package.
struct Relationship {
  var id: String
  /// The relationship type's last path segment (`worksheet`, `officeDocument`, …): Transitional
  /// (`http://schemas.openxmlformats.org/…`) and Strict (`http://purl.oclc.org/ooxml/…`) types
  /// end alike, so matching on it reads both.
  var kind: String
  /// The target part's name, resolved against the source part (`xl/worksheets/sheet1.xml`).
  var target: String
}

extension ZipArchive {
  /// The relationships of `part` (from `dir/_rels/name.rels`); nil when that part is absent.
  /// External targets are left out; unknown types are kept for the caller to skip.
  func relationships(of part: String) throws(XLSXError) -> [Relationship]? {
    let (dir, name) = splitPart(part)
    let relsPart = (dir.isEmpty ? "" : dir + "/") + "_rels/" + name + ".rels"
    guard let stream = try open(relsPart) else { return nil }
    let tok = XMLTokenizer(part: relsPart, source: stream, limits: limits)
    var result: [Relationship] = []
    while true {
      switch try tok.next() {
      case .start where tok.nameIs("Relationship"):
        guard let id = try tok.attributeValue("Id"), let type = try tok.attributeValue("Type"),
          let target = try tok.attributeValue("Target")
        else { continue }
        if try tok.attributeValue("TargetMode")?.lowercased() == "external" { continue }
        let kind = type.split(separator: "/").last.map(String.init) ?? type
        result.append(Relationship(id: id, kind: kind, target: resolve(target, from: dir)))
      case .eof: return result
      default: continue
      }
    }
  }

  /// Resolves a relationship target against the source part's folder: absolute targets start
  /// at the package root, `..` and `.` segments are folded, `%XX` escapes and `\` are undone.
  func resolve(_ target: String, from dir: String) -> String {
    let cleaned = percentDecoded(target.replacingBackslashes())
    var segments: [Substring] = cleaned.hasPrefix("/") ? [] : dir.split(separator: "/")
    for segment in cleaned.split(separator: "/") {
      switch segment {
      case ".": continue
      case "..": if !segments.isEmpty { segments.removeLast() }
      default: segments.append(segment)
      }
    }
    return segments.joined(separator: "/")
  }

  private func splitPart(_ part: String) -> (dir: String, name: String) {
    let p = part.replacingBackslashes()
    guard let slash = p.lastIndex(of: "/") else { return ("", p) }
    return (String(p[..<slash]), String(p[p.index(after: slash)...]))
  }

  private func percentDecoded(_ s: String) -> String {
    guard s.contains("%") else { return s }
    var out: [UInt8] = []
    let bytes = Array(s.utf8)
    var i = 0
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]),
        let l = hexValue(bytes[i + 2])
      {
        out.append(h << 4 | l)
        i += 3
      } else {
        out.append(bytes[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
