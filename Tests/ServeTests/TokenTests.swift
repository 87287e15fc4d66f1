import Basics
import Foundation
import Pipeline
import Testing
import XLSXTestSupport

@testable import Serve

@Suite struct TokenTests {
  @Test func aTokenMatchesOnlyItsOwnCollegesHash() {
    let stored = ["甲学院": Tokens.hash("alpha"), "乙医院": Tokens.hash("beta")]
    #expect(Tokens.college(for: "alpha", in: stored) == "甲学院")
    #expect(Tokens.college(for: "beta", in: stored) == "乙医院")
    #expect(Tokens.college(for: "gamma", in: stored) == nil)
    #expect(Tokens.college(for: "", in: stored) == nil)
    #expect(Tokens.college(for: "alpha", in: ["坏": "sha256:zz:00", "空": ""]) == nil)
  }

  @Test func theStoredFormIsSaltedAndNeverTheToken() {
    let a = Tokens.hash("secret-token")
    let b = Tokens.hash("secret-token")
    #expect(a != b)
    #expect(!a.contains("secret-token"))
    #expect(a.hasPrefix("sha256:"))
    #expect(
      Tokens.hash("t", salt: [1, 2]) == "sha256:0102:" + SHA256.hex([1, 2] + Array("t".utf8)))
  }

  @Test(arguments: [
    ("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false), ("", "", true),
  ])
  func constantTimeEquality(a: String, b: String, equal: Bool) {
    #expect(Tokens.constantTimeEqual(Array(a.utf8), Array(b.utf8)) == equal)
  }

  @Test func newTokensAreLongAndDifferent() {
    let tokens = Set((0..<100).map { _ in Tokens.generate() })
    #expect(tokens.count == 100)
    #expect(tokens.allSatisfy { $0.count == 64 })
  }

  @Test func addingATokenRewritesTheConfigurationAndKeepsItsSettings() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.url.appendingPathComponent("pipeline.json").path
    try Data(#"{"run": {"inbox": "in"}, "serve": {"listen": "0.0.0.0:9000"}}"#.utf8).write(
      to: URL(fileURLWithPath: path))
    let first = try Tokens.add(college: "基础医学院", configPath: path)
    let second = try Tokens.add(college: "第二医院", configPath: path)
    let loaded = try Configuration.load(path: path)
    #expect(loaded.run.inbox == "in")
    #expect(loaded.serve.listen == "0.0.0.0:9000")
    #expect(Tokens.college(for: first, in: loaded.serve.tokens) == "基础医学院")
    #expect(Tokens.college(for: second, in: loaded.serve.tokens) == "第二医院")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(!text.contains(first) && !text.contains(second))
    // A new token replaces the college's earlier one.
    let third = try Tokens.add(college: "基础医学院", configPath: path)
    let reloaded = try Configuration.load(path: path).serve.tokens
    #expect(Tokens.college(for: first, in: reloaded) == nil)
    #expect(Tokens.college(for: third, in: reloaded) == "基础医学院")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["pipeline.json"])
  }
}
