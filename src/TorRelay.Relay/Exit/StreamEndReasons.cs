using System.Net.Sockets;
using TorRelay.Cells.Relay;

namespace TorRelay.Relay.Exit;

/// <summary>The END reason for a failed connection to a destination, as C tor's errno_to_stream_end_reason.</summary>
public static class StreamEndReasons
{
    public static EndReason FromSocketError(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => EndReason.ConnectRefused,
        SocketError.ConnectionReset or SocketError.ConnectionAborted => EndReason.ConnReset,
        SocketError.TimedOut => EndReason.Timeout,
        SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.AccessDenied
            or SocketError.NetworkDown or SocketError.HostDown => EndReason.NoRoute,
        SocketError.NoBufferSpaceAvailable or SocketError.TooManyOpenSockets => EndReason.ResourceLimit,
        SocketError.Shutdown => EndReason.Done,
        SocketError.InvalidArgument or SocketError.IsConnected or SocketError.NotSocket or SocketError.NotConnected
            or SocketError.AddressFamilyNotSupported or SocketError.ProtocolNotSupported => EndReason.Internal,
        _ => EndReason.Misc,
    };
}
