/// Why a file could not be written: the C library's operation (libxlsxwriter's, libzip's), its
/// own message (`lxw_strerror`, `zip_error_strerror`) and what was being written.
public struct WriteError: Error, CustomStringConvertible, Sendable {
  public var operation: String
  public var message: String
  public var context: String

  public init(operation: String, message: String, context: String) {
    self.operation = operation
    self.message = message
    self.context = context
  }

  public var description: String { "\(operation) failed: \(message) (\(context))" }
}
