import Dispatch
import Synchronization

/// One result slot per index, filled from several threads (the batch's results, a rule
/// family's issues): the one lock-protected store the product uses for them.
public final class Slots<Value: Sendable>: Sendable {
  private let slots: Mutex<[Value?]>

  public init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

  public func set(_ i: Int, _ value: Value) { slots.withLock { $0[i] = value } }

  /// Every slot's value (each must have been set).
  public var values: [Value] { slots.withLock { $0.map { $0! } } }
}

/// The product's one way of doing independent pieces of work at once: `body` for every index
/// in `0..<count` on all cores (`DispatchQueue.concurrentPerform`), the results in index order,
/// so they never depend on scheduling.
public func inParallel<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
  let results = Slots<T>(count: count)
  DispatchQueue.concurrentPerform(iterations: count) { i in results.set(i, body(i)) }
  return results.values
}
