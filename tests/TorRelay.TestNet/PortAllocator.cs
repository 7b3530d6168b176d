using System.Net;
using System.Net.Sockets;

namespace TorRelay.TestNet;

/// <summary>
/// Picks free 127.0.0.1 TCP ports by binding to port 0. Every listener stays open until <see cref="ReleaseAll"/>,
/// so one network never gets the same port twice; the short gap before tor binds is the usual, accepted race.
/// </summary>
public sealed class PortAllocator : IDisposable
{
    private readonly List<TcpListener> _held = new();

    public int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _held.Add(listener);
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void ReleaseAll()
    {
        foreach (var l in _held)
            l.Stop();
        _held.Clear();
    }

    public void Dispose() => ReleaseAll();

    /// <summary>One free port, released at once (for a process the caller starts right away).</summary>
    public static int FreePort()
    {
        using var ports = new PortAllocator();
        return ports.Next();
    }
}
