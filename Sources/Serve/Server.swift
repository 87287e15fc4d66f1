import Foundation
import HTTPServer
import Pipeline

/// `pipeline serve`: the application behind an ``HTTPServer`` with the configuration's limits,
/// and one access-log line per request (method, path, status, bytes, milliseconds — never a
/// query string or a header, where a token could travel; control characters escaped).
public final class ServeServer: Sendable {
  public let app: ServeApp
  let server: HTTPServer
  public let host: String

  /// `listen` (`HOST:PORT`) overrides `serve.listen`; `log` receives each access-log line;
  /// `configPath`, the file `configuration` came from, is followed for token changes.
  public init(
    configuration: Configuration, listen: String? = nil, configPath: String? = nil,
    log: @escaping @Sendable (String) -> Void
  ) throws {
    let (host, port) = try Self.address(listen ?? configuration.serve.listen)
    let settings = configuration.serve
    app = try ServeApp(configuration: configuration, configPath: configPath)
    self.host = host
    let app = app
    server = HTTPServer(
      configuration: .init(
        host: host, port: port, maxBodyBytes: settings.maxUploadBytes,
        connectionTimeoutSeconds: settings.connectionTimeoutSeconds,
        requestDeadlineSeconds: settings.requestDeadlineSeconds,
        maxConnectionsPerIP: settings.maxConnectionsPerIP,
        maxBodyBytesInFlight: settings.maxBodyBytesInFlight, bodyFolder: app.scratch,
        retryAfterSeconds: max(1, settings.queueWaitSeconds)),
      log: { entry in log(Self.line(entry)) },
      admit: { app.admit($0) },
      handler: { app.handle($0) })
  }

  public func start() throws { try server.start() }

  /// The port listened on (the one the system picked for port 0).
  public var port: UInt16 { server.port }

  /// Stops accepting connections, lets the requests in flight finish, and returns.
  public func stop() {
    server.stop()
    app.removeScratch()
  }

  /// `HOST:PORT` → its parts; the host must be an IPv4 address.
  static func address(_ text: String) throws -> (String, UInt16) {
    guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]),
      !text[..<colon].isEmpty
    else {
      throw ConfigurationError(
        path: "--listen", problem: "\(text) is not HOST:PORT (e.g. 127.0.0.1:8080)")
    }
    return (String(text[..<colon]), port)
  }

  static func line(_ entry: AccessLogEntry) -> String {
    let time = Date().formatted(.iso8601)
    let request = "\(entry.method) \(entry.path)".escapingControlCharacters
    return "\(time) \(request) \(entry.status) \(entry.bytes) B "
      + String(format: "%.1f ms", entry.milliseconds)
  }
}
