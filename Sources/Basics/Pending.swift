import Dispatch
import Synchronization

/// A value computed on another thread from the moment it is made, waited for where it is first
/// needed (``value()``): work that must come before a step but not before the steps ahead of it.
public final class Pending<T: Sendable>: Sendable {
  private let done = DispatchGroup()
  private let slot = Mutex<Result<T, any Error>?>(nil)

  public init(_ work: @escaping @Sendable () throws -> T) {
    done.enter()
    DispatchQueue.global().async {
      let result = Result { try work() }
      self.slot.withLock { $0 = result }
      self.done.leave()
    }
  }

  /// Waits for the value; rethrows what the work threw.
  public func value() throws -> T {
    done.wait()
    return try slot.withLock { $0! }.get()
  }
}
