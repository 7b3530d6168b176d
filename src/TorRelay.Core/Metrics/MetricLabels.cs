using System.Net.Sockets;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;

namespace TorRelay.Core.Metrics;

/// <summary>Label values exactly as C tor 0.4.9 writes them on its MetricsPort (relay_metrics.c, connection.c, command.c).</summary>
internal static class MetricLabels
{
    public const int ConnectionTypeCount = 5;
    public const int HandshakeTypeCount = 4;

    /// <summary>conn_type_to_string().</summary>
    public static string Of(ConnectionType type) => type switch
    {
        ConnectionType.OrListener => "OR listener",
        ConnectionType.Or => "OR",
        ConnectionType.Directory => "Directory",
        ConnectionType.MetricsListener => "Metrics listener",
        ConnectionType.Metrics => "Metrics",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Of(ConnectionDirection direction) =>
        direction == ConnectionDirection.Initiated ? "initiated" : "received";

    /// <summary>af_to_string() for the two families C tor reports; -1 for any other (C tor ignores them).</summary>
    public static int FamilyIndex(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => 0,
        AddressFamily.InterNetworkV6 => 1,
        _ => -1,
    };

    public static string Family(int index) => index == 0 ? "ipv4" : "ipv6";

    /// <summary>handshake_type_to_str(); the index is the CREATE2 handshake type.</summary>
    public static string Of(HandshakeType type) => type switch
    {
        HandshakeType.Tap => "tap",
        HandshakeType.Fast => "fast",
        HandshakeType.Ntor => "ntor",
        HandshakeType.NtorV3 => "ntor_v3",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Of(HandshakeKind kind) => kind switch
    {
        HandshakeKind.Link => "link",
        HandshakeKind.Ntor => "ntor",
        HandshakeKind.NtorV3 => "ntor_v3",
        HandshakeKind.Fast => "fast",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>cell_command_to_string(), plus PADDING_NEGOTIATE, which C tor calls "unrecognized"; null for unknown commands.</summary>
    public static string? Of(CellCommand command) => command switch
    {
        CellCommand.Padding => "padding",
        CellCommand.Create => "create",
        CellCommand.Created => "created",
        CellCommand.Relay => "relay",
        CellCommand.Destroy => "destroy",
        CellCommand.CreateFast => "create_fast",
        CellCommand.CreatedFast => "created_fast",
        CellCommand.Versions => "versions",
        CellCommand.Netinfo => "netinfo",
        CellCommand.RelayEarly => "relay_early",
        CellCommand.Create2 => "create2",
        CellCommand.Created2 => "created2",
        CellCommand.PaddingNegotiate => "padding_negotiate",
        CellCommand.VPadding => "vpadding",
        CellCommand.Certs => "certs",
        CellCommand.AuthChallenge => "auth_challenge",
        CellCommand.Authenticate => "authenticate",
        CellCommand.Authorize => "authorize",
        _ => null,
    };

    /// <summary>The label of every command we do not know.</summary>
    public const string UnrecognizedCommand = "unrecognized";

    public static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
