using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace TorRelay.Host.Systemd;

/// <summary>
/// sd_notify(3) without libsystemd: one datagram of newline-separated VAR=value assignments to the AF_UNIX socket
/// named by $NOTIFY_SOCKET ('/' a path, '@' the abstract namespace). Every call is a no-op when the variable is unset,
/// so the relay runs the same outside systemd.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly Lock _gate = new();
    private Socket? _socket;
    private bool _disposed;

    /// <param name="notifySocket">$NOTIFY_SOCKET's value; null, empty or malformed disables notification.</param>
    public SystemdNotifier(string? notifySocket)
    {
        _endPoint = TryParseAddress(notifySocket, out var endPoint) ? endPoint : null;
    }

    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable(SocketVariable));

    /// <summary>True when $NOTIFY_SOCKET names a socket: we run under systemd with Type=notify.</summary>
    public bool IsEnabled => _endPoint is not null;

    /// <summary>
    /// As libsystemd: an absolute path, or '@' for a name in the abstract namespace (sent with a leading NUL).
    /// </summary>
    public static bool TryParseAddress(string? value, out UnixDomainSocketEndPoint? endPoint)
    {
        endPoint = null;
        if (string.IsNullOrEmpty(value) || value.Length < 2 || (value[0] != '/' && value[0] != '@'))
            return false;
        // sockaddr_un.sun_path holds 108 bytes.
        if (Encoding.UTF8.GetByteCount(value) >= 108)
            return false;
        endPoint = new UnixDomainSocketEndPoint(value[0] == '@' ? "\0" + value[1..] : value);
        return true;
    }

    /// <summary>Sends <paramref name="state"/> as is; false when disabled or the datagram could not be sent.</summary>
    public bool Notify(string state)
    {
        if (_endPoint is null) return false;
        byte[] datagram = Encoding.UTF8.GetBytes(state);
        lock (_gate)
        {
            if (_disposed) return false;
            try
            {
                _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                return _socket.SendTo(datagram, _endPoint) == datagram.Length;
            }
            catch (SocketException)
            {
                // systemd gone or socket unreachable: notification is best effort, as sd_notify's callers treat it.
                return false;
            }
        }
    }

    /// <summary>Start-up (or a reload) is complete.</summary>
    public bool Ready(string? status = null) => Notify(WithStatus("READY=1", status));

    /// <summary>A reload begins; MONOTONIC_USEC lets systemd 253+ (Type=notify-reload) match it to its request.</summary>
    public bool Reloading(string? status = null) =>
        Notify(WithStatus($"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds()}", status));

    public bool Stopping(string? status = null) => Notify(WithStatus("STOPPING=1", status));

    public bool Status(string status) => Notify($"STATUS={status}");

    public bool Watchdog() => Notify("WATCHDOG=1");

    /// <summary>Asks systemd for more time than TimeoutStopSec/TimeoutStartSec from now on (tor does so on SIGINT).</summary>
    public bool ExtendTimeout(TimeSpan extra) =>
        Notify("EXTEND_TIMEOUT_USEC=" + ((long)extra.TotalMicroseconds).ToString(CultureInfo.InvariantCulture));

    private static string WithStatus(string state, string? status) =>
        status is null ? state : $"{state}\nSTATUS={status}";

    /// <summary>CLOCK_MONOTONIC in microseconds, the clock systemd compares MONOTONIC_USEC against.</summary>
    /// (Stopwatch reads clock_gettime(CLOCK_MONOTONIC) on Linux.)
    private static long MonotonicMicroseconds() =>
        (long)((UInt128)(ulong)Stopwatch.GetTimestamp() * 1_000_000 / (ulong)Stopwatch.Frequency);

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _socket?.Dispose();
            _socket = null;
        }
    }
}
