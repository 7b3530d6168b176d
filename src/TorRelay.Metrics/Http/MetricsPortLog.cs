using System.Net;
using Microsoft.Extensions.Logging;

namespace TorRelay.Metrics.Http;

/// <summary>MetricsPort log messages. Client addresses are never logged.</summary>
internal static partial class MetricsPortLog
{
    [LoggerMessage(1, LogLevel.Information, "MetricsPort listening on {EndPoint} (Prometheus text format)")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(2, LogLevel.Information, "MetricsPort on {EndPoint} closed")]
    public static partial void Stopped(ILogger logger, EndPoint endPoint);

    [LoggerMessage(3, LogLevel.Debug, "MetricsPort: connection refused by MetricsPortPolicy; closed without an answer")]
    public static partial void Refused(ILogger logger);

    [LoggerMessage(4, LogLevel.Debug, "MetricsPort: answered {Status}")]
    public static partial void Answered(ILogger logger, int status);

    [LoggerMessage(5, LogLevel.Debug, "MetricsPort: {Active} clients already connected; closing a new one")]
    public static partial void TooManyClients(ILogger logger, int active);

    [LoggerMessage(6, LogLevel.Warning, "MetricsPort: accepting a connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Debug, "MetricsPort: connection ended early")]
    public static partial void ConnectionEnded(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "MetricsPort: collecting metrics failed")]
    public static partial void ScrapeFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "MetricsPortPolicy is empty: tor rejects every client by default, so nobody can scrape {EndPoint}")]
    public static partial void RejectsEveryone(ILogger logger, EndPoint endPoint);
}
