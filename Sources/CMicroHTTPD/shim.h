// microhttpd.h expects the application to include these first.
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <stdint.h>
#include <stdarg.h>
#include <microhttpd.h>

// Swift cannot call C variadic functions: these are fixed-argument forms of the two that
// HTTPServer needs.

/// MHD_start_daemon on an already listening socket (the daemon owns it from here), with an
/// idle-connection timeout, a connection limit overall and per client IP, a request-completed
/// callback and a connection callback (opened, closed); `cls` goes to every callback.
static inline struct MHD_Daemon *cmhd_start_daemon(
  unsigned int flags, MHD_socket listen_fd, unsigned int timeout_seconds,
  unsigned int connection_limit, unsigned int per_ip_limit, MHD_AccessHandlerCallback access,
  MHD_RequestCompletedCallback completed, MHD_NotifyConnectionCallback notify, void *cls)
{
  return MHD_start_daemon(
    flags, 0, NULL, NULL, access, cls,
    MHD_OPTION_LISTEN_SOCKET, listen_fd,
    MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
    MHD_OPTION_CONNECTION_LIMIT, connection_limit,
    MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_limit,
    MHD_OPTION_NOTIFY_COMPLETED, completed, cls,
    MHD_OPTION_NOTIFY_CONNECTION, notify, cls,
    MHD_OPTION_END);
}

/// MHD_get_connection_info for the info types that take no extra argument.
static inline const union MHD_ConnectionInfo *cmhd_connection_info(
  struct MHD_Connection *connection, enum MHD_ConnectionInfoType type)
{
  return MHD_get_connection_info(connection, type);
}
