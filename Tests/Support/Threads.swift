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
