/// How wide text shows in a spreadsheet's columns, in the widths of a Latin digit: a wide
/// character (CJK ideographs and punctuation, kana, Hangul, fullwidth forms — East Asian Width
/// W and F) counts two, everything else one. The one definition the column widths and the
/// wrapped rows of every workbook use.
public func displayWidth<S: StringProtocol>(_ text: S) -> Int {
  text.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : 1) }
}

/// Whether a character shows two columns wide (Unicode East Asian Width W or F, by its main
/// blocks).
public func isWide(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x1100...0x115F,  // Hangul Jamo initials
    0x2E80...0x303E, 0x3041...0x33FF,  // CJK radicals, punctuation, kana, compatibility
    0x3400...0x4DBF, 0x4E00...0x9FFF,  // CJK ideographs
    0xA000...0xA4CF, 0xAC00...0xD7A3,  // Yi, Hangul syllables
    0xF900...0xFAFF, 0xFE30...0xFE4F,  // compatibility ideographs and forms
    0xFF00...0xFF60, 0xFFE0...0xFFE6,  // fullwidth forms
    0x20000...0x3FFFD:  // the supplementary ideographic planes
    return true
  default:
    return false
  }
}
