import Foundation
import Model
import Pipeline
import Synchronization

/// The stations' register as the server's checks see it (SPEC §9: STA-001…STA-004 run when the
/// store holds a register): read from the store at most once every ``maxAge`` seconds, so an
/// import is seen within that time without a restart, and a check does not open the store. A
/// store that cannot be read keeps the register last read (none at first): a check never fails
/// for it.
final class RegisterCache: Sendable {
  static let maxAge: TimeInterval = 30
  private let stations: Stations
  private let now: @Sendable () -> Date
  private let state = Mutex<(read: Date, register: StationRegister?)?>(nil)

  init(stations: Stations, now: @escaping @Sendable () -> Date) {
    self.stations = stations
    self.now = now
  }

  func current() -> StationRegister? {
    let time = now()
    if let held = state.withLock({ $0 }), time.timeIntervalSince(held.read) < Self.maxAge {
      return held.register
    }
    let register =
      (try? stations.register(asOf: Stations.today()))
      ?? state.withLock { $0?.register }
    state.withLock { $0 = (time, register) }
    return register
  }
}
