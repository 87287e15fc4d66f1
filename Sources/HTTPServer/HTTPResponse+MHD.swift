internal import CMicroHTTPD

/// Turning an ``HTTPResponse`` into what goes on the wire.
extension HTTPResponse {
  /// A libmicrohttpd response holding a copy of this one (the caller destroys it once queued);
  /// nil when libmicrohttpd refuses one of the header fields.
  func makeMHDResponse() -> OpaquePointer? {
    let made = body.withUnsafeBytes {
      MHD_create_response_from_buffer(
        $0.count, UnsafeMutableRawPointer(mutating: $0.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let made else { return nil }
    for (name, value) in headers where MHD_add_response_header(made, name, value) != .YES {
      MHD_destroy_response(made)
      return nil
    }
    return made
  }

  /// The whole HTTP/1.1 message, announcing that the connection closes after it.
  var closingMessage: [UInt8] {
    let reason = String(cString: MHD_get_reason_phrase_for(UInt32(clamping: status)))
    var head = "HTTP/1.1 \(status) \(reason)\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
    return Array(head.utf8) + body
  }
}
