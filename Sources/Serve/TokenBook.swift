import Foundation
import Pipeline
import Synchronization

/// The colleges' token hashes as the running server knows them: `serve.tokens` of the
/// configuration file, read again when the file changes (checked by `stat`, at most once a
/// second, when a token is next needed) or on ``reload()`` (SIGHUP), so `pipeline token add` takes
/// effect without a restart. A file that no longer loads (half edited, an invalid college name)
/// is reported and the tokens already known are kept.
final class TokenBook: Sendable {
  private struct State {
    var tokens: [String: String]
    var stamp: FileStamp?
    var checked: Date
  }

  /// What identifies one version of the file: a rename (`token add`) changes the inode, an edit
  /// in place the time or the size.
  struct FileStamp: Equatable {
    var inode: UInt64
    var size: Int64
    var seconds: Int
    var nanoseconds: Int
  }

  let path: String?
  private let state: Mutex<State>
  private let changed: @Sendable (_ tokens: [String: String]) -> Void
  private let now: @Sendable () -> Date

  /// `tokens` as loaded at start from `path` (nil: no file to follow); `changed` is called with
  /// the new tokens after each reload that changed them.
  init(
    tokens: [String: String], path: String?, now: @escaping @Sendable () -> Date,
    changed: @escaping @Sendable ([String: String]) -> Void
  ) {
    self.path = path
    self.changed = changed
    self.now = now
    state = Mutex(State(tokens: tokens, stamp: path.flatMap(Self.stamp), checked: now()))
  }

  /// The tokens now, after a cheap check whether the file changed.
  var current: [String: String] {
    let time = now()
    let due = state.withLock { state -> Bool in
      guard path != nil, time.timeIntervalSince(state.checked) >= 1 || time < state.checked
      else { return false }
      state.checked = time
      return true
    }
    if due, let path, Self.stamp(path) != state.withLock({ $0.stamp }) { reload() }
    return state.withLock { $0.tokens }
  }

  /// Reads the file again (SIGHUP, or a change seen); keeps the known tokens when it fails.
  func reload() {
    guard let path else { return }
    let stamp = Self.stamp(path)
    let loaded: [String: String]
    do {
      loaded = try Configuration.load(path: path).serve.tokens
    } catch {
      state.withLock { $0.stamp = stamp }
      FileHandle.standardError.write(
        Data("pipeline serve: 口令未重新加载，仍使用原有口令：\(error)\n".utf8))
      return
    }
    let before = state.withLock { state -> [String: String] in
      let before = state.tokens
      state.tokens = loaded
      state.stamp = stamp
      return before
    }
    if before != loaded { changed(loaded) }
  }

  static func stamp(_ path: String) -> FileStamp? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return FileStamp(
      inode: UInt64(info.st_ino), size: Int64(info.st_size), seconds: info.st_mtim.tv_sec,
      nanoseconds: info.st_mtim.tv_nsec)
  }
}
