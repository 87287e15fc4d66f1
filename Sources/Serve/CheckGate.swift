import Dispatch

/// At most N checks at once (`serve.maxConcurrentChecks`): a check waits up to
/// `serve.queueWaitSeconds` for its turn, then is turned away (the caller answers 503 with
/// `Retry-After`).
final class CheckGate: Sendable {
  private let slots: DispatchSemaphore
  let waitSeconds: Int

  init(concurrent: Int, waitSeconds: Int) {
    slots = DispatchSemaphore(value: max(1, concurrent))
    self.waitSeconds = waitSeconds
  }

  /// Takes a slot, waiting up to ``waitSeconds``; false when none came free in time.
  func enter() -> Bool { slots.wait(timeout: .now() + .seconds(waitSeconds)) == .success }

  /// Gives back a slot taken with ``enter()``.
  func leave() { slots.signal() }

  /// Runs `body` in a slot; nil when no slot came free in time.
  func run<T>(_ body: () throws -> T) rethrows -> T? {
    guard enter() else { return nil }
    defer { leave() }
    return try body()
  }
}
