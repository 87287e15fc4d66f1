// Real deflate streams (RFC 1951) for tests that need compressed data: high compression ratios
// on purpose (zip bombs), flipped bits inside Huffman-coded data. Only what those tests need:
// literals and back-references, in one block, never searched for the best matches.

/// A tiny deflate compressor.
public enum Deflate {
  /// `data` in one block with the fixed Huffman codes: a run of one repeated byte becomes a
  /// literal and back-references at distance 1; everything else is literals.
  public static func fixedHuffman(_ data: [UInt8]) -> [UInt8] {
    var e = Encoder(
      literalLengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 },
      distanceLengths: Array(repeating: 5, count: 30))
    e.w.bits(1, 1)  // BFINAL
    e.w.bits(1, 2)  // BTYPE = 01, fixed Huffman codes
    var i = 0
    while i < data.count {
      let b = data[i]
      e.literal(b)
      i += 1
      var run = 0
      while i + run < data.count && data[i + run] == b { run += 1 }
      e.repeatPattern([b], bytes: run)
      i += run
    }
    return e.finish()
  }

  /// `prefix`, then `pattern` `count` times, then `suffix`, as one block with dynamic Huffman
  /// codes in which a 258-byte back-reference costs 2 bits when the pattern is at most 4 bytes
  /// (distance codes 0–3 have no extra bits): about 1,030:1, the most deflate can compress, so
  /// 1 GiB takes about 1 MiB. Longer patterns cost their distance's extra bits on top.
  public static func repeating(
    prefix: [UInt8], pattern: [UInt8], count: Int, suffix: [UInt8]
  ) -> [UInt8] {
    precondition(!pattern.isEmpty && pattern.count <= 32_768 && count >= 1)
    // Length 258 (symbol 285) gets a 1-bit code; the other 285 literal/length symbols share
    // the other half of the code space: 227 of 9 bits and 58 of 10 (227/512 + 58/1024 = 1/2),
    // so the code is complete, as inflaters require. The one distance code used gets 1 bit.
    var literalLengths = (0..<286).map { $0 < 58 ? 10 : 9 }
    literalLengths[285] = 1
    let distanceCode = distanceSymbol(pattern.count).code
    var distanceLengths = Array(repeating: 0, count: distanceCode + 1)
    distanceLengths[distanceCode] = 1

    var e = Encoder(literalLengths: literalLengths, distanceLengths: distanceLengths)
    e.w.bits(1, 1)  // BFINAL
    e.w.bits(2, 2)  // BTYPE = 10, dynamic Huffman codes
    writeCodeLengths(literal: literalLengths, distance: distanceLengths, &e.w)
    for b in prefix + pattern { e.literal(b) }
    e.repeatPattern(pattern, bytes: pattern.count * (count - 1))
    for b in suffix { e.literal(b) }
    return e.finish()
  }

  // MARK: - Encoding

  /// Writes literals and back-references with one pair of Huffman codes.
  private struct Encoder {
    var w = BitWriter()
    let literalLengths: [Int]
    let distanceLengths: [Int]
    let literalCodes: [UInt32]
    let distanceCodes: [UInt32]

    init(literalLengths: [Int], distanceLengths: [Int]) {
      self.literalLengths = literalLengths
      self.distanceLengths = distanceLengths
      literalCodes = Deflate.canonicalCodes(literalLengths)
      distanceCodes = Deflate.canonicalCodes(distanceLengths)
    }

    mutating func literal(_ b: UInt8) { put(Int(b), literalCodes, literalLengths) }

    mutating func match(length: Int, distance: Int) {
      let l = Deflate.lengthSymbol(length)
      put(l.code, literalCodes, literalLengths)
      w.bits(UInt32(l.extra.value), l.extra.count)
      let d = Deflate.distanceSymbol(distance)
      put(d.code, distanceCodes, distanceLengths)
      w.bits(UInt32(d.extra.value), d.extra.count)
    }

    /// `bytes` more bytes repeating `pattern` (the last `pattern.count` bytes written), as
    /// back-references; a remainder under 3 bytes is spelled out as literals. When a 258-byte
    /// reference takes 1, 2, 4 or 8 bits, a long run of them is copied a whole byte at a time.
    mutating func repeatPattern(_ pattern: [UInt8], bytes: Int) {
      var left = bytes
      let perByte = 8 / matchBits(distance: pattern.count)
      if perByte * matchBits(distance: pattern.count) == 8 {
        while w.used != 8 && left >= 258 + 3 {
          match(length: 258, distance: pattern.count)
          left -= 258
        }
        var probe = Encoder(literalLengths: literalLengths, distanceLengths: distanceLengths)
        for _ in 0..<perByte { probe.match(length: 258, distance: pattern.count) }
        let wholeBytes = max(0, (left - 3) / (258 * perByte))
        w.bytes += repeatElement(probe.w.bytes[0], count: wholeBytes)
        left -= wholeBytes * perByte * 258
      }
      while left >= 3 {
        // Never leave 1 or 2 bytes behind a full-length reference when a shorter one avoids it.
        var take = min(258, left)
        if left - take > 0 && left - take < 3 { take = left - 3 }
        match(length: take, distance: pattern.count)
        left -= take
      }
      let done = bytes - left
      for k in 0..<left { literal(pattern[(done + k) % pattern.count]) }
    }

    /// The end-of-block symbol, and the stream.
    mutating func finish() -> [UInt8] {
      put(256, literalCodes, literalLengths)
      return w.bytes
    }

    /// The bits one 258-byte reference at `distance` takes.
    private func matchBits(distance: Int) -> Int {
      let l = Deflate.lengthSymbol(258)
      let d = Deflate.distanceSymbol(distance)
      return literalLengths[l.code] + l.extra.count + distanceLengths[d.code] + d.extra.count
    }

    private mutating func put(_ symbol: Int, _ codes: [UInt32], _ lengths: [Int]) {
      precondition(lengths[symbol] > 0, "symbol \(symbol) has no code")
      w.huffman(codes[symbol], lengths[symbol])
    }
  }

  /// The dynamic block header after BTYPE: HLIT, HDIST, HCLEN, the code-length code and the two
  /// code-length sequences, each length sent as itself (no run-length symbols 16–18).
  private static func writeCodeLengths(literal: [Int], distance: [Int], _ w: inout BitWriter) {
    let sequence = literal + distance
    let used = Array(Set(sequence)).sorted()
    // A complete code for the 2–4 lengths in use.
    let shapes: [Int: [Int]] = [2: [1, 1], 3: [1, 2, 2], 4: [2, 2, 2, 2]]
    let shape = shapes[used.count]!
    var codeLengthLengths = Array(repeating: 0, count: 19)
    for (symbol, length) in zip(used, shape) { codeLengthLengths[symbol] = length }
    let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    let sent = max(4, (order.lastIndex { codeLengthLengths[$0] > 0 } ?? 0) + 1)

    w.bits(UInt32(literal.count - 257), 5)
    w.bits(UInt32(distance.count - 1), 5)
    w.bits(UInt32(sent - 4), 4)
    for symbol in order.prefix(sent) { w.bits(UInt32(codeLengthLengths[symbol]), 3) }
    let codes = canonicalCodes(codeLengthLengths)
    for length in sequence { w.huffman(codes[length], codeLengthLengths[length]) }
  }

  /// The canonical Huffman codes of RFC 1951 §3.2.2 for these code lengths.
  private static func canonicalCodes(_ lengths: [Int]) -> [UInt32] {
    let maxLength = lengths.max() ?? 0
    var countOf = Array(repeating: 0, count: maxLength + 1)
    for l in lengths where l > 0 { countOf[l] += 1 }
    var next = Array(repeating: UInt32(0), count: maxLength + 1)
    var code: UInt32 = 0
    for bits in stride(from: 1, through: maxLength, by: 1) {
      code = (code + UInt32(countOf[bits - 1])) << 1
      next[bits] = code
    }
    return lengths.map { l in
      guard l > 0 else { return 0 }
      defer { next[l] += 1 }
      return next[l]
    }
  }

  private typealias Symbol = (code: Int, extra: (value: Int, count: Int))

  private static let lengthBases = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
    131, 163, 195, 227, 258,
  ]
  private static let lengthExtra = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
  ]
  private static let distanceBases = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
  ]

  private static func lengthSymbol(_ length: Int) -> Symbol {
    let i = lengthBases.lastIndex { $0 <= length }!
    return (257 + i, (length - lengthBases[i], lengthExtra[i]))
  }

  private static func distanceSymbol(_ distance: Int) -> Symbol {
    let i = distanceBases.lastIndex { $0 <= distance }!
    return (i, (distance - distanceBases[i], max(0, i / 2 - 1)))
  }

  private struct BitWriter {
    var bytes: [UInt8] = []
    var used = 8

    /// `count` bits of `value`, least significant first (header fields, extra bits).
    mutating func bits(_ value: UInt32, _ count: Int) {
      for k in 0..<count {
        if used == 8 {
          bytes.append(0)
          used = 0
        }
        if (value >> k) & 1 == 1 { bytes[bytes.count - 1] |= 1 << UInt8(used) }
        used += 1
      }
    }

    /// A Huffman code of `length` bits, most significant first.
    mutating func huffman(_ code: UInt32, _ length: Int) {
      for k in stride(from: length - 1, through: 0, by: -1) { bits((code >> k) & 1, 1) }
    }
  }
}
