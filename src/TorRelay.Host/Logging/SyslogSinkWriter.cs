using System.Net.Sockets;
using System.Text;

namespace TorRelay.Host.Logging;

/// <summary>
/// Sends messages to the local syslog daemon over /dev/log as tor does with syslog(3): facility daemon, our PID,
/// the message without tor's time and severity prefix.
/// </summary>
internal sealed class SyslogSinkWriter : ILogSinkWriter
{
    private const int FacilityDaemon = 3;
    private readonly Socket _socket;
    private readonly string _tag;
    private readonly Lock _lock = new();

    public SyslogSinkWriter(string tag, string path = "/dev/log")
    {
        _tag = $"{tag}[{Environment.ProcessId}]";
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            _socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public void Write(TorLogSeverity severity, string timestamp, string body, string message)
    {
        int pri = FacilityDaemon * 8 + (int)severity;
        string stamp = DateTime.Now.ToString("MMM dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        byte[] datagram = Encoding.UTF8.GetBytes($"<{pri}>{stamp} {_tag}: {message}");
        lock (_lock)
        {
            try
            {
                _socket.Send(datagram);
            }
            catch (SocketException)
            {
                // syslog(3) drops messages when the daemon is away; so do we.
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
