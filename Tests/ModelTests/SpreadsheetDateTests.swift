import Model
import Testing

@Suite struct SpreadsheetDateTests {
  /// Serials checked against Excel: the 1900 system counts the phantom 1900-02-29 as serial 60.
  @Test(arguments: [
    (1.0, false, "1900-01-01T00:00:00"),
    (59.0, false, "1900-02-28T00:00:00"),
    (61.0, false, "1900-03-01T00:00:00"),
    (45_108.0, false, "2023-07-01T00:00:00"),
    (45_108.75, false, "2023-07-01T18:00:00"),
    (45_108.5000058, false, "2023-07-01T12:00:00.501"),
    (0.0, true, "1904-01-01T00:00:00"),
    (43_647.0, true, "2023-07-02T00:00:00"),
    (2_958_465.0, false, "9999-12-31T00:00:00"),
  ])
  func convertsSerials(serial: Double, date1904: Bool, iso: String) throws {
    let parts = try #require(SpreadsheetDate.parts(serial: serial, date1904: date1904))
    #expect(parts.iso == iso)
  }

  /// Serial 60 is the 1900-02-29 that never was: shown, as by the reference readers, as
  /// 1900-02-28; the serial itself is what the cell keeps.
  @Test func serialSixtyIsTheLotusLeapDay() throws {
    let parts = try #require(SpreadsheetDate.parts(serial: 60, date1904: false))
    #expect(parts.isoDate == "1900-02-28")
    #expect(SpreadsheetDate.serial(parts, date1904: false) == 59)
  }

  @Test(arguments: [
    (SpreadsheetDate.Parts(year: 2023, month: 7, day: 1), false, 45_108.0),
    (SpreadsheetDate.Parts(year: 1900, month: 1, day: 1), false, 1.0),
    (SpreadsheetDate.Parts(year: 1900, month: 3, day: 1), false, 61.0),
    (SpreadsheetDate.Parts(year: 2024, month: 6, day: 30, hour: 6), false, 45_473.25),
    (SpreadsheetDate.Parts(year: 2023, month: 7, day: 2), true, 43_647.0),
  ])
  func makesSerials(parts: SpreadsheetDate.Parts, date1904: Bool, serial: Double) {
    #expect(SpreadsheetDate.serial(parts, date1904: date1904) == serial)
  }

  @Test(arguments: [Double.nan, .infinity, -.infinity, 1e12, 2_958_466])
  func refusesSerialsThatAreNoDate(serial: Double) {
    #expect(SpreadsheetDate.parts(serial: serial, date1904: false) == nil)
  }

  @Test(arguments: [
    (2024, 2, 29, true), (2023, 2, 29, false), (1900, 2, 29, false), (2000, 2, 29, true),
    (2023, 4, 31, false), (2023, 13, 1, false), (2023, 1, 0, false),
  ])
  func validatesCivilDates(year: Int, month: Int, day: Int, valid: Bool) {
    #expect(SpreadsheetDate.isValid(year: year, month: month, day: day) == valid)
  }

  /// Every day of four centuries survives days → civil date → days.
  @Test func civilConversionRoundTrips() {
    for days in stride(from: -30_000, through: 120_000, by: 1) {
      let (y, m, d) = SpreadsheetDate.civil(fromDays: days)
      #expect(SpreadsheetDate.daysFromCivil(y, m, d) == days)
      if SpreadsheetDate.daysFromCivil(y, m, d) != days { return }
    }
  }
}
