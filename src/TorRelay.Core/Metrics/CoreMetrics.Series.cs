using System.Net.Sockets;
using TorRelay.Cells.Circuits;

namespace TorRelay.Core.Metrics;

/// <summary>How the fixed series of C tor's labelled metrics are laid out in their counters.</summary>
public sealed partial class CoreMetrics
{
    /// <summary>In tor_relay_connections_total the created series come first, then received/rejected per type and family.</summary>
    private const int CreatedSeries = MetricLabels.ConnectionTypeCount * 2 * 2;

    /// <summary>((type, direction), family): the same index in the open gauge and in the created counter.</summary>
    private static int ConnectionIndex(ConnectionType type, ConnectionDirection direction, AddressFamily family)
    {
        int f = MetricLabels.FamilyIndex(family);
        if (f < 0 || (uint)type >= MetricLabels.ConnectionTypeCount || (uint)direction > 1) return -1;
        return ((int)type * 2 + (int)direction) * 2 + f;
    }

    /// <summary>Tags of every (type, direction, family) with <paramref name="state"/>; with <paramref name="rejected"/>,
    /// then the received/rejected ones C tor also writes (it has no initiated/rejected).</summary>
    private static KeyValuePair<string, object?>[][] ConnectionTags(bool rejected, string state)
    {
        var tags = new List<KeyValuePair<string, object?>[]>();
        for (int t = 0; t < MetricLabels.ConnectionTypeCount; t++)
            for (int d = 0; d < 2; d++)
                for (int f = 0; f < 2; f++)
                    tags.Add(Connection((ConnectionType)t, MetricLabels.Of((ConnectionDirection)d), state, f));
        if (rejected)
        {
            for (int t = 0; t < MetricLabels.ConnectionTypeCount; t++)
                for (int f = 0; f < 2; f++)
                    tags.Add(Connection((ConnectionType)t, "received", "rejected", f));
        }
        return [.. tags];
    }

    private static KeyValuePair<string, object?>[] Connection(ConnectionType type, string direction, string state, int family) =>
    [
        MetricLabels.Tag("type", MetricLabels.Of(type)),
        MetricLabels.Tag("direction", direction),
        MetricLabels.Tag("state", state),
        MetricLabels.Tag("family", MetricLabels.Family(family)),
    ];

    /// <summary>(type, action) for tap, fast, ntor, ntor_v3 in handshake-type order; processed then dropped.</summary>
    private static KeyValuePair<string, object?>[][] OnionskinTags()
    {
        var tags = new KeyValuePair<string, object?>[MetricLabels.HandshakeTypeCount * 2][];
        for (int t = 0; t < MetricLabels.HandshakeTypeCount; t++)
        {
            var type = MetricLabels.Tag("type", MetricLabels.Of((HandshakeType)t));
            tags[t * 2] = [type, MetricLabels.Tag("action", "processed")];
            tags[t * 2 + 1] = [type, MetricLabels.Tag("action", "dropped")];
        }
        return tags;
    }
}
