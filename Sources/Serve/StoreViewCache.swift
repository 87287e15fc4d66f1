import Foundation
import Model
import Pipeline
import Synchronization

/// What the server's checks read of the store (read-only): the stations' register (SPEC §9:
/// STA-001…STA-004) and the accepted reports of earlier years (SPEC §10: Y-001…Y-006). Read at
/// most once every ``maxAge`` seconds, so an import or a batch is seen within that time without a
/// restart, and a check does not open the store. A store that cannot be read keeps what was last
/// read (nothing at first): a check never fails for it.
final class StoreViewCache: Sendable {
  static let maxAge: TimeInterval = 30

  struct View: Sendable {
    var register: StationRegister?
    var crossYear: CrossYearIndex?
  }

  private let stations: Stations
  private let now: @Sendable () -> Date
  private let state = Mutex<(read: Date, view: View)?>(nil)

  init(stations: Stations, now: @escaping @Sendable () -> Date) {
    self.stations = stations
    self.now = now
  }

  func current() -> View {
    let time = now()
    let held = state.withLock { $0 }
    if let held, time.timeIntervalSince(held.read) < Self.maxAge { return held.view }
    var view = held?.view ?? View()
    if let register = try? stations.register(asOf: Stations.today()) { view.register = register }
    if let index = try? stations.crossYearIndex() { view.crossYear = index }
    state.withLock { $0 = (time, view) }
    return view
  }
}
