using System.Net.Sockets;
using System.Text;

namespace TorRelay.Deploy.Tests;

// TorRelay.Directory, a namespace, would shadow it.
using Directory = System.IO.Directory;

/// <summary>The systemd side of sd_notify for tests: a bound AF_UNIX datagram socket, by path or abstract name.</summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly string? _directory;

    private NotifySocket(string address, string? directory)
    {
        Address = address;
        _directory = directory;
        _socket.Bind(new UnixDomainSocketEndPoint(address[0] == '@' ? "\0" + address[1..] : address));
    }

    /// <summary>The value for $NOTIFY_SOCKET.</summary>
    public string Address { get; }

    public static NotifySocket AtPath()
    {
        string dir = Directory.CreateTempSubdirectory("torrelay-notify-").FullName;
        return new NotifySocket(Path.Combine(dir, "notify"), dir);
    }

    public static NotifySocket Abstract() => new("@torrelay-test-" + Guid.NewGuid().ToString("N"), null);

    /// <summary>The next datagram, or null when none arrives within <paramref name="timeout"/>.</summary>
    public string? Receive(TimeSpan timeout)
    {
        if (!_socket.Poll(timeout, SelectMode.SelectRead)) return null;
        var buffer = new byte[4096];
        int n = _socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>Datagrams until one contains <paramref name="assignment"/> (a line such as READY=1).</summary>
    public List<string> ReceiveUntil(string assignment, TimeSpan timeout)
    {
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            string? d = Receive(deadline - DateTime.UtcNow);
            if (d is null) break;
            seen.Add(d);
            if (d.Split('\n').Contains(assignment)) return seen;
        }
        throw new TimeoutException($"no {assignment} within {timeout}; got [{string.Join(" | ", seen)}]");
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }
}
