/// Text as SpreadsheetML stores it in an element or attribute: the XML specials escaped, the
/// characters XML cannot hold (controls) as `_xHHHH_`, and a literal `_xHHHH_` guarded as
/// `_x005F_xHHHH_`, so a reader that undoes the escapes (ours, Excel) gets the text back.
func xmlText(_ s: String) -> String {
  // Most text has nothing to escape: returned as it is, without a look at its scalars.
  var plain = true
  var utf8 = s.utf8.makeIterator()
  var previous: (UInt8, UInt8) = (0, 0)
  while plain, let b = utf8.next() {
    switch b {
    case 0..<0x20, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""),
      UInt8(ascii: "_"):
      plain = false
    case 0xBE,
      0xBF where previous == (0xEF, 0xBF):
      plain = false  // U+FFFE, U+FFFF
    default: break
    }
    previous = (previous.1, b)
  }
  if plain { return s }
  var out = ""
  out.reserveCapacity(s.utf8.count)
  let scalars = Array(s.unicodeScalars)
  for (i, scalar) in scalars.enumerated() {
    switch scalar {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "_" where isEscapeLike(scalars, at: i): out += "_x005F_"
    case "\n", "\t": out.unicodeScalars.append(scalar)
    case "\r": out += "&#13;"
    default:
      if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        out += "_x" + String(repeating: "0", count: 4 - hex.count) + hex + "_"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
  }
  return out
}

/// Whether `_xHHHH_` starts at `i`.
private func isEscapeLike(_ s: [Unicode.Scalar], at i: Int) -> Bool {
  guard i + 6 < s.count, s[i + 1] == "x", s[i + 6] == "_" else { return false }
  return s[(i + 2)...(i + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
}
