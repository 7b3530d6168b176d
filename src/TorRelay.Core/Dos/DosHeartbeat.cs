using Microsoft.Extensions.Logging;

namespace TorRelay.Core.Dos;

/// <summary>C tor's dos_log_heartbeat line, logged by public relays with every heartbeat (status.c).</summary>
public static partial class DosHeartbeat
{
    /// <summary>The summary after "DoS mitigation since startup: ", without the final period.</summary>
    public static string Format(DosStats s, DosOptions o)
    {
        var parts = new List<string>(6) { $"{s.CircuitKilledMaxCell} circuits killed with too many cells" };
        parts.Add(o.CircuitCreationEnabled
            ? $"{s.CircuitRejected} circuits rejected, {s.MarkedAddress} marked addresses, {s.MarkedAddressMaxq} marked addresses for max queue"
            : "[DoSCircuitCreationEnabled disabled]");
        if (o.ConnectionEnabled)
        {
            parts.Add($"{s.ConcurrentConnRejected} same address concurrent connections rejected");
            parts.Add($"{s.ConnRejected} connections rejected");
        }
        else
        {
            parts.Add("[DoSConnectionEnabled disabled]");
        }
        parts.Add(o.RefuseSingleHopClientRendezvous
            ? $"{s.SingleHopRefused} single hop clients refused"
            : "[DoSRefuseSingleHopClientRendezvous disabled]");
        parts.Add($"{s.Introduce2Rejected} INTRODUCE2 rejected");
        return string.Join(", ", parts);
    }

    /// <summary>Logs the line at tor's NOTICE level (our Information).</summary>
    public static void Log(ILogger log, DosStats s, DosOptions o) => LogSummary(log, Format(s, o));

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat: DoS mitigation since startup: {Summary}.")]
    private static partial void LogSummary(ILogger log, string summary);
}
