/// Writes JSON text in the order it is given (reports are read by people too, and the truth
/// format lists cells in row-major order), escaping strings per RFC 8259. The reports, the dump
/// and the store's list columns all write through it.
public struct JSONWriter {
  public private(set) var bytes: [UInt8] = []

  public init() {}

  public mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

  public mutating func string(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
      case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
      case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
      case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
      case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: #"\u00"#.utf8)
        bytes.append(hex[Int(b >> 4)])
        bytes.append(hex[Int(b & 0xF)])
      default: bytes.append(b)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// A number: integral values without `.0`, others in the shortest form that reads back exactly.
  public mutating func number(_ v: Double) {
    if v == v.rounded(), abs(v) < 9_007_199_254_740_992 {
      raw(String(Int64(v)))
    } else {
      raw(v.description)
    }
  }

  public mutating func bool(_ v: Bool) { raw(v ? "true" : "false") }

  /// A string, or `null`.
  public mutating func string(orNull s: String?) {
    if let s { string(s) } else { raw("null") }
  }

  /// A list of objects, one per line: `[\n  {…},\n  {…}\n]\n` (`[]\n` when empty), each object's
  /// members written by `members` without the braces. The reports' JSON lists.
  public static func objectList<T>(_ items: [T], _ members: (T, inout JSONWriter) -> Void)
    -> String
  {
    var w = JSONWriter()
    w.raw("[")
    for (i, item) in items.enumerated() {
      w.raw(i == 0 ? "\n  {" : ",\n  {")
      members(item, &w)
      w.raw("}")
    }
    w.raw(items.isEmpty ? "]\n" : "\n]\n")
    return String(decoding: w.bytes, as: UTF8.self)
  }

  /// Takes the bytes written so far, leaving the writer empty (for streaming large output).
  public mutating func take() -> [UInt8] {
    defer { bytes.removeAll(keepingCapacity: true) }
    return bytes
  }
}
