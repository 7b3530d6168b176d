namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// What the resolver reports for tor_relay_exit_dns_query_total{record} and tor_relay_exit_dns_error_total{record,reason}
/// (C tor relay_metrics.c). Record is "A", "AAAA" or "PTR"; reason is <see cref="DnsOutcomeExtensions.MetricReason"/>,
/// "success" included, as C tor notes every answer. C tor 0.4.9 currently drops the record label (tor#40490).
/// </summary>
public interface IDnsMetrics
{
    /// <summary>A lookup was sent to the nameservers (cache hits and joined lookups are not counted).</summary>
    void Query(string record);

    /// <summary>A lookup finished with <paramref name="reason"/>.</summary>
    void Error(string record, string reason);
}

/// <summary>Counts nothing.</summary>
public sealed class NoDnsMetrics : IDnsMetrics
{
    public static readonly NoDnsMetrics Instance = new();
    public void Query(string record) { }
    public void Error(string record, string reason) { }
}
