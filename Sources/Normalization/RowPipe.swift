import Foundation
import XLSXReading

/// Reads a sheet's rows on a second thread while the caller consumes them, so that reading and
/// normalizing a large table overlap on two cores. Rows travel in batches through a bounded
/// buffer (memory stays flat); a reader error is rethrown to the consumer after the rows before
/// it, exactly as a plain `forEachRow` would have thrown it.
enum RowPipe {
  private static let batchSize = 512
  private static let maxBatches = 8

  /// Calls `body` with every row of sheet `index`, in order.
  static func forEachRow(of workbook: Workbook, sheet index: Int, _ body: (Row) -> Void) throws {
    let channel = Channel(capacity: maxBatches)
    let source = UncheckedSendable(workbook)
    let producer = Thread {
      var batch: [Row] = []
      batch.reserveCapacity(batchSize)
      do {
        // The normalizer drops everything when a read throws: one pass (no CRC pre-pass).
        try source.value.forEachRow(inSheet: index, verifyFirst: false) { row in
          batch.append(row)
          if batch.count == batchSize {
            channel.put(batch)
            batch.removeAll(keepingCapacity: true)
          }
        }
        channel.put(batch)
        channel.finish(nil)
      } catch {
        channel.put(batch)
        channel.finish(error)
      }
    }
    producer.start()
    while let batch = channel.take() {
      for row in batch { body(row) }
    }
    if let error = channel.failure { throw error }
  }

  /// A bounded first-in-first-out buffer of row batches between two threads.
  private final class Channel: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[Row]] = []
    private var head = 0
    private var done = false
    private(set) var failure: (any Error)?
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func put(_ batch: [Row]) {
      guard !batch.isEmpty else { return }
      condition.lock()
      while batches.count - head >= capacity { condition.wait() }
      batches.append(batch)
      condition.broadcast()
      condition.unlock()
    }

    func finish(_ error: (any Error)?) {
      condition.lock()
      failure = error
      done = true
      condition.broadcast()
      condition.unlock()
    }

    /// The next batch, or nil once the producer has finished and everything was taken.
    func take() -> [Row]? {
      condition.lock()
      defer { condition.unlock() }
      while head == batches.count && !done { condition.wait() }
      guard head < batches.count else { return nil }
      let batch = batches[head]
      head += 1
      if head > 64 {  // drop what was taken, now and then
        batches.removeFirst(head)
        head = 0
      }
      condition.broadcast()
      return batch
    }
  }
}

/// Hands a value that is used by one thread at a time to another thread: the workbook is read
/// only by the producer while the consumer waits on the channel.
private struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
