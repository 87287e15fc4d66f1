import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Another program the tests run (LibreOffice, a Python with openpyxl): in a process group of
/// its own, stdin from /dev/null, stdout and stderr into a file, killed with everything it
/// started past a time limit.
public enum ExternalProgram {
  /// Why a program gave no result.
  public struct Failed: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
  }

  /// Runs `arguments` (the program first, as a path) to its end; returns its exit status (or
  /// throws when it could not start, was killed by a signal, or ran past `timeLimit` seconds).
  @discardableResult
  public static func run(_ arguments: [String], output: String, timeLimit: Double) throws -> Int32 {
    let started = Date()
    let pid = try spawnInOwnGroup(arguments, output: output)
    var status: Int32 = 0
    while true {
      let done = waitpid(pid, &status, WNOHANG)
      if done == pid { break }
      if done == -1 && errno != EINTR {
        throw Failed("waitpid: \(String(cString: strerror(errno)))")
      }
      if Date().timeIntervalSince(started) > timeLimit {
        // The program and whatever it started share the group we gave it; its id is the
        // program's pid, not yet reaped, so no other process can hold it.
        kill(-pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        throw Failed(
          "\(arguments[0]) did not finish within \(Int(timeLimit)) s and was killed; its output:\n"
            + contents(output))
      }
      usleep(20_000)
    }
    guard status & 0x7F == 0 else {
      throw Failed(
        "\(arguments[0]) ended with wait status \(status); its output:\n\(contents(output))")
    }
    return (status >> 8) & 0xFF
  }

  /// Where `name` is on PATH, if it is.
  public static func find(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") where !directory.isEmpty {
      let candidate = String(directory) + "/" + name
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// A file's text ("" when it cannot be read).
  public static func contents(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
  }

  private static func spawnInOwnGroup(_ arguments: [String], output: String) throws -> pid_t {
    #if canImport(Darwin)
      var attributes: posix_spawnattr_t? = nil
      var actions: posix_spawn_file_actions_t? = nil
    #else
      var attributes = posix_spawnattr_t()
      var actions = posix_spawn_file_actions_t()
    #endif
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let error = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
    guard error == 0 else {
      throw Failed("cannot start \(arguments[0]): \(String(cString: strerror(error)))")
    }
    return pid
  }
}
