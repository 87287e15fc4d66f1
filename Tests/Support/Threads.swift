import Foundation
import Synchronization

/// Runs `work(i)` on `count` threads of their own, started together; returns each one's error.
public func onThreads(_ count: Int, _ work: @escaping @Sendable (Int) throws -> Void) -> [String] {
  let errors = Mutex<[String]>([])
  let done = DispatchSemaphore(value: 0)
  let start = DispatchSemaphore(value: 0)
  for i in 0..<count {
    Thread.detachNewThread {
      start.wait()
      do { try work(i) } catch { errors.withLock { $0.append("thread \(i): \(error)") } }
      done.signal()
    }
  }
  for _ in 0..<count { start.signal() }
  for _ in 0..<count { done.wait() }
  return errors.withLock { $0 }
}

/// A value the server's threads and the test share.
public final class Shared<Value>: Sendable where Value: Sendable {
  private let value: Mutex<Value>
  public init(_ value: Value) { self.value = Mutex(value) }
  public func update<R>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
  public var current: Value { value.withLock { $0 } }
}

/// Runs `work` on a thread of its own; `wait()` on the result returns once it is done.
public func inBackground(_ work: @escaping @Sendable () -> Void) -> DispatchSemaphore {
  let done = DispatchSemaphore(value: 0)
  Thread.detachNewThread {
    work()
    done.signal()
  }
  return done
}

/// Polls `condition` until it holds or `seconds` pass; returns whether it held.
public func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while !condition() {
    if Date() > deadline { return false }
    usleep(10_000)
  }
  return true
}
